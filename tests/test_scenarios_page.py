"""The "Compare across…" panel on the questionnaire page and its table view."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

QUERY = ("rate_basis=month&requests_per_month=50000000&duration_ms=120&memory_mb=1024"
         "&region=ap-northeast-2&architecture=x86_64&ec2_purchase=on_demand")


@pytest.fixture
def books(price_book: Any) -> None:
    """Every region's seeded book (the price_book fixture seeds them all)."""


def test_the_page_has_the_panel_with_the_workloads_own_values_ticked(client: Client,
                                                                     books: None) -> None:
    html = client.get("/?" + QUERY).content.decode()
    assert 'id="scenarios-form"' in html
    assert 'name="sc_region" value="ap-northeast-2" checked' in html
    assert 'name="sc_region" value="us-east-1">' in html
    assert 'name="sc_purchase" value="on_demand" checked' in html


def test_the_table_of_two_regions(client: Client, books: None) -> None:
    response = client.get("/scenarios/?" + QUERY + "&sc_region=ap-northeast-2"
                          "&sc_region=us-east-1&sc_purchase=on_demand&sc_purchase=spot",
                          HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('data-scenario="') == 4
    assert html.count('class="is-own"') == 1
    assert 'data-chart="chart-scenarios-data"' in html
    chart = json.loads(html.split('id="chart-scenarios-data" type="application/json">')[1]
                       .split("</script>")[0])
    assert [t["name"] for t in chart["data"]] == ["Lambda", "EC2"]
    assert len(chart["data"][0]["y"]) == 4
    # One click makes a row the workload: the link changes only the varied inputs.
    assert "/?rate_basis=month&amp;requests_per_month=50000000" in html
    assert "region=us-east-1" in html and "ec2_purchase=spot" in html
    assert 'name="scenario_vary" form="save-report"' in html


def test_a_refused_combination_is_a_row_with_its_reason(client: Client, books: None) -> None:
    # Every region prices the default question now; a named type with no reserved-instance
    # rate (i7ie.large in us-east-1's feed) is refused for that purchase option alone.
    query = QUERY.replace("region=ap-northeast-2", "region=us-east-1")
    html = client.get("/scenarios/?" + query + "&ec2_instance_type=i7ie.large"
                      "&sc_region=us-east-1&sc_purchase=on_demand"
                      "&sc_purchase=reserved_1y").content.decode()
    assert html.count('class=" is-refused"') == 1
    assert "i7ie.large" in html


def test_sorting_by_a_column_and_korean(client: Client, books: None) -> None:
    html = client.get("/scenarios/?" + QUERY + "&sc_region=ap-northeast-2&sc_region=us-east-1"
                      "&sort=ec2", HTTP_ACCEPT_LANGUAGE="ko").content.decode()
    assert 'class="sort is-sorted"' in html
    assert "가장 저렴한" in html or "가장 싼" in html


@pytest.mark.parametrize("extra", ["", "&sc_region=NOT+A+REGION", "&sc_purchase=cheap"])
def test_nothing_ticked_or_a_bad_tick_is_a_message(client: Client, books: None,
                                                   extra: str) -> None:
    response = client.get("/scenarios/?" + QUERY + extra)
    assert response.status_code == 200
    assert 'role="alert"' in response.content.decode()


def test_bad_inputs_are_a_message_not_an_error(client: Client, books: None) -> None:
    response = client.get("/scenarios/?memory_mb=1&sc_region=us-east-1")
    assert response.status_code == 200
    assert 'role="alert"' in response.content.decode()


def _save(client: Client, query: str, vary: dict[str, Any] | None = None) -> str:
    from django.http import QueryDict

    from advisor.questionnaire.forms import QuestionnaireForm, bind_data

    form = QuestionnaireForm(bind_data(QueryDict(query)), regions=["ap-northeast-2", "us-east-1"])
    assert form.is_valid(), form.errors
    post = {"inputs": json.dumps(form.to_workload_data()), "title": "", "notes": ""}
    if vary:
        post["scenario_vary"] = json.dumps(vary)
    response = client.post("/r/new", post)
    assert response.status_code == 302, response.content[:500]
    return response["Location"].split("/r/")[1].strip("/")


def test_a_saved_report_keeps_its_scenario_table(client: Client, books: None) -> None:
    vary = {"region": ["ap-northeast-2", "us-east-1"], "ec2.purchase": ["on_demand", "spot"]}
    code = _save(client, QUERY, vary)
    body = client.get(f"/r/{code}.json").json()
    assert [r["vary"] for r in body["scenarios"]["scenarios"]][1] == {
        "region": "ap-northeast-2", "ec2.purchase": "spot"}
    csv_text = client.get(f"/r/{code}.csv").content.decode()
    assert "scenario,1.region,ap-northeast-2," in csv_text
    assert "scenario,4.ec2.purchase,spot," in csv_text
    page = client.get(f"/r/{code}/").content.decode()
    assert 'id="scenarios-table"' in page and 'class="is-own"' in page
    assert "Use this" not in page  # frozen: no links that change the workload
    # A report saved without a table has none.
    plain = _save(client, QUERY)
    assert "scenarios" not in client.get(f"/r/{plain}.json").json()


def test_two_reports_side_by_side(client: Client, books: None) -> None:
    a = _save(client, QUERY)
    b = _save(client, QUERY.replace("ap-northeast-2", "us-east-1").replace(
        "on_demand", "reserved_1y"))
    page = client.get(f"/r/{a}/").content.decode()
    assert f'href="/r/compare/?codes={a}"' in page
    one = client.get(f"/r/compare/?codes={a}")
    assert one.status_code == 200 and 'id="compare-add"' in one.content.decode()
    added = client.get(f"/r/compare/?codes={a}&add=https://example.test/r/{b}/")
    assert added.status_code == 302 and added["Location"] == f"/r/compare/?codes={a},{b}"
    html = client.get(added["Location"]).content.decode()
    inputs = html.split('id="compare-inputs"')[1].split("</table>")[0]
    assert "ap-northeast-2" in inputs and "us-east-1" in inputs
    assert "Reserved instance, 1 year" in inputs and "memory_mb" not in inputs
    totals = html.split('id="compare-totals"')[1].split("</table>")[0]
    assert totals.count("<tr") == 3  # header, Lambda, EC2
    assert "B − A" in totals
    assert html.count('class="compare-verdict"') == 2
    assert client.get(f"/r/compare/?codes={a},00000000-0000-0000-0000-000000000000").status_code == 404
    assert client.post(f"/r/compare/?codes={a},{b}").status_code == 405
