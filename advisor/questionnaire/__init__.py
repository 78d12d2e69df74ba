"""The questionnaire: the form, its views, the words, the presenters and the charts."""
