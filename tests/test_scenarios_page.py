"""The "Compare across…" panel on the questionnaire page and its table view."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client

QUERY = ("rate_basis=month&requests_per_month=50000000&duration_ms=120&memory_mb=1024"
         "&region=ap-northeast-2&architecture=x86_64&ec2_purchase=on_demand")


@pytest.fixture
def books(db: Any) -> None:
    call_command("seed_prices", stdout=io.StringIO())


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


def test_a_refused_region_is_a_row_with_its_reason(client: Client, books: None) -> None:
    html = client.get("/scenarios/?" + QUERY + "&sc_region=ap-northeast-2"
                      "&sc_region=ap-southeast-1").content.decode()
    assert 'class=" is-refused"' in html
    assert "alb.hourly" in html


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
