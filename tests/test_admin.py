"""The price editors' admin: access, read-only published books, validation, audit, publishing."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth.models import Group, User
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from advisor.pricebook import audit
from advisor.pricebook.models import InstanceType, PriceBook, PriceChange, Rate
from advisor.pricebook.prices import book_in_force, price_sheet
from advisor.pricebook.publishing import PublishError, clone_as_draft, diff_books, publish

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-editor-password-1"


def make_editor(username: str = "editor") -> User:
    user = User.objects.create_user(username, password=PASSWORD, is_staff=True)
    user.groups.add(Group.objects.get(name="Price editors"))
    return user


@pytest.fixture
def editor() -> User:
    return make_editor()


@pytest.fixture
def editor_client(editor: User) -> Client:
    client = Client()
    client.force_login(editor)
    return client


@pytest.fixture
def draft(price_book: PriceBook, editor: User) -> PriceBook:
    return clone_as_draft(price_book, user=editor)


def rate(book: PriceBook, key: str, upto: Decimal | None = None) -> Rate:
    return book.rates.get(key=key, tier_upto=upto)


def change_url(obj: Any) -> str:
    return reverse(f"admin:advisor_{obj._meta.model_name}_change", args=[obj.pk])


def rate_post(row: Rate, **changes: Any) -> dict[str, Any]:
    data = {
        "book": row.book_id, "key": row.key, "tier_upto": "" if row.tier_upto is None else row.tier_upto,
        "price": row.price, "source": row.source, "read_on": row.read_on.isoformat(),
        "confidence": row.confidence,
    }
    data.update(changes)
    return data


def instance_post(row: InstanceType, **changes: Any) -> dict[str, Any]:
    data = {
        "book": row.book_id, "name": row.name, "architecture": row.architecture, "vcpu": row.vcpu,
        "memory_gib": row.memory_gib, "hourly": row.hourly,
        "reserved_1y_hourly": "" if row.reserved_1y_hourly is None else row.reserved_1y_hourly,
        "reserved_3y_hourly": "" if row.reserved_3y_hourly is None else row.reserved_3y_hourly,
        "burstable_baseline": "" if row.burstable_baseline is None else row.burstable_baseline,
        "source": row.source, "read_on": row.read_on.isoformat(), "confidence": row.confidence,
    }
    data.update(changes)
    return data


def book_post(book: PriceBook, rate_changes: dict[int, dict[str, Any]] | None = None,
              extra_rates: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """The whole change form of a book (fields and the rates inline), as the admin would post
    it; instance types are edited in their own list."""
    data: dict[str, Any] = {
        "name": book.name, "region": book.region, "effective_from": book.effective_from.isoformat(),
        "notes": book.notes, "_continue": "1",
    }
    rates = list(book.rates.all())
    forms = [
        {"id": r.pk, "book": book.pk, **rate_post(r), **(rate_changes or {}).get(r.pk, {})} for r in rates
    ] + [{"book": book.pk, **row} for row in (extra_rates or [])]
    for prefix, rows, initial in (("rates", forms, len(rates)),):
        data[f"{prefix}-TOTAL_FORMS"] = len(rows)
        data[f"{prefix}-INITIAL_FORMS"] = initial if initial is not None else len(rows)
        data[f"{prefix}-MIN_NUM_FORMS"] = 0
        data[f"{prefix}-MAX_NUM_FORMS"] = 1000
        for n, row in enumerate(rows):
            for name, value in row.items():
                data[f"{prefix}-{n}-{name}"] = "" if value is None else value
    return data


# --- access ---------------------------------------------------------------------------------


@pytest.mark.parametrize("url", ["/admin/", "/admin/advisor/pricebook/", "/admin/advisor/pricebook/1/publish/"])
def test_anonymous_users_are_sent_to_the_login_page(client: Client, url: str) -> None:
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/?next=")


def test_non_staff_users_are_refused(client: Client, price_book: PriceBook) -> None:
    user = User.objects.create_user("visitor", password=PASSWORD)
    client.force_login(user)
    for url in ("/admin/advisor/pricebook/", change_url(price_book),
                reverse("admin:advisor_pricebook_clone", args=[price_book.pk])):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/admin/login/")
    response = client.post(reverse("admin:advisor_pricebook_clone", args=[price_book.pk]))
    assert response.status_code == 302
    assert PriceBook.objects.count() == 7  # the seeded regions' books, and no clone


def test_staff_outside_the_price_editors_group_cannot_open_price_books(client: Client, price_book: PriceBook) -> None:
    client.force_login(User.objects.create_user("clerk", password=PASSWORD, is_staff=True))
    assert client.get("/admin/advisor/pricebook/").status_code == 403


def test_price_editors_group_holds_exactly_the_editing_permissions() -> None:
    codenames = set(Group.objects.get(name="Price editors").permissions.values_list("codename", flat=True))
    expected = {f"{a}_{m}" for m in ("pricebook", "rate", "instancetype") for a in ("add", "change", "delete", "view")}
    assert codenames == expected | {"view_pricechange"}


def test_editor_sees_the_lists_with_filters_and_search(editor_client: Client, price_book: PriceBook) -> None:
    response = editor_client.get("/admin/advisor/pricebook/?status__exact=published&region=us-east-1&q=November")
    assert response.status_code == 200
    assert price_book.name in response.content.decode()
    response = editor_client.get("/admin/advisor/rate/?book__region=us-east-1&q=lambda.x86_64.duration")
    assert response.status_code == 200
    assert "USD per GB-second" in response.content.decode()
    assert editor_client.get("/admin/advisor/instancetype/?architecture__exact=arm64").status_code == 200
    assert editor_client.get("/admin/advisor/pricechange/").status_code == 200


def test_rate_form_names_the_unit_of_the_number(editor_client: Client, draft: PriceBook) -> None:
    page = editor_client.get(change_url(rate(draft, "lambda.x86_64.duration", Decimal(6_000_000_000)))).content.decode()
    assert "In USD per GB-second." in page
    assert "GB-seconds a month" in page


# --- published books are read-only ----------------------------------------------------------


def test_published_book_page_is_read_only_with_a_clear_message(editor_client: Client, price_book: PriceBook) -> None:
    page = editor_client.get(change_url(price_book)).content.decode()
    assert "published and read-only" in page
    assert 'name="_save"' not in page
    assert "Clone as draft" in page
    assert "Publish…" not in page


def test_editing_a_published_book_is_refused(editor_client: Client, price_book: PriceBook) -> None:
    row = rate(price_book, "lambda.x86_64.requests")
    response = editor_client.post(change_url(price_book), book_post(price_book, {row.pk: {"price": "9"}}))
    assert response.status_code == 403
    response = editor_client.post(change_url(row), rate_post(row, price="9"))
    assert response.status_code == 403
    instance = price_book.instance_types.first()
    assert editor_client.post(change_url(instance), instance_post(instance, hourly="9")).status_code == 403
    assert editor_client.post(reverse("admin:advisor_rate_delete", args=[row.pk]), {"post": "yes"}).status_code == 403
    assert editor_client.post(reverse("admin:advisor_pricebook_delete", args=[price_book.pk]), {"post": "yes"}).status_code == 403
    row.refresh_from_db()
    assert row.price == Decimal("0.20")
    assert PriceChange.objects.count() == 0


def test_rows_cannot_be_added_to_a_published_book(editor_client: Client, price_book: PriceBook) -> None:
    response = editor_client.post(reverse("admin:advisor_rate_add"), {
        "book": price_book.pk, "key": "lambda.x86_64.requests", "tier_upto": "", "price": "1",
        "source": "x", "read_on": "2026-11-28", "confidence": "aws",
    })
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()


def test_clone_as_draft_copies_every_row_and_leaves_the_original(editor_client: Client, price_book: PriceBook) -> None:
    url = reverse("admin:advisor_pricebook_clone", args=[price_book.pk])
    assert "Clone as draft" in editor_client.get(url).content.decode()
    response = editor_client.post(url)
    draft = PriceBook.objects.get(status="draft")
    assert response["Location"] == change_url(draft)
    assert draft.cloned_from == price_book
    # 50 rows, the four vended-log tiers and the free log GB, Fargate's five feed rates, and
    # three option rates (fixtures/price_books.options.json: Fargate Spot, Managed Instances).
    assert draft.rates.count() == price_book.rates.count() == 50 + 5 + 5 + 3
    assert draft.instance_types.count() == price_book.instance_types.count()
    assert rate(draft, "nat.hourly").source == rate(price_book, "nat.hourly").source
    assert diff_books(price_book, draft) == []
    assert PriceChange.objects.filter(book=draft, field="cloned_from").exists()
    page = editor_client.get(change_url(draft)).content.decode()
    assert 'name="_save"' in page and "Publish…" in page


# --- validation -------------------------------------------------------------------------------


def errors_of(response: Any) -> str:
    assert response.status_code == 200, "the form should be shown again with errors"
    return response.content.decode()


def test_negative_price_is_refused(editor_client: Client, draft: PriceBook) -> None:
    row = rate(draft, "lambda.x86_64.requests")
    page = errors_of(editor_client.post(change_url(row), rate_post(row, price="-0.01")))
    assert "The price cannot be negative (it is in USD per 1M requests)." in page
    row.refresh_from_db()
    assert row.price == Decimal("0.2")


def test_negative_price_in_the_book_inline_is_refused(editor_client: Client, draft: PriceBook) -> None:
    row = rate(draft, "alb.hourly")
    page = errors_of(editor_client.post(change_url(draft), book_post(draft, {row.pk: {"price": "-1"}})))
    assert "The price cannot be negative (it is in USD per hour)." in page


def test_tier_bounds_must_ascend(editor_client: Client, draft: PriceBook) -> None:
    second = rate(draft, "lambda.x86_64.duration", Decimal(15_000_000_000))
    data = book_post(draft, {second.pk: {"tier_upto": "6000000000"}})
    page = errors_of(editor_client.post(change_url(draft), data))
    assert "lambda.x86_64.duration: two tiers end at 6000000000 GB-seconds a month" in page
    second.refresh_from_db()
    assert second.tier_upto == Decimal(15_000_000_000)


def test_tier_bound_must_be_above_zero(editor_client: Client, draft: PriceBook) -> None:
    row = rate(draft, "transfer.out", Decimal(10240))
    page = errors_of(editor_client.post(change_url(row), rate_post(row, tier_upto="0")))
    assert "A tier must end above 0 GB a month in total" in page


def test_last_tier_must_stay_open(editor_client: Client, draft: PriceBook) -> None:
    row = rate(draft, "apigw.http.requests")
    page = errors_of(editor_client.post(change_url(row), rate_post(row, tier_upto="900000000")))
    assert "apigw.http.requests has no open last tier" in page


def test_only_one_open_tier(editor_client: Client, draft: PriceBook) -> None:
    row = rate(draft, "apigw.http.requests", Decimal(300_000_000))
    data = book_post(draft, {row.pk: {"tier_upto": ""}})
    page = errors_of(editor_client.post(change_url(draft), data))
    assert "apigw.http.requests has 2 open tiers" in page


def test_untiered_price_takes_no_tier_bound(editor_client: Client, draft: PriceBook) -> None:
    row = rate(draft, "nat.hourly")
    page = errors_of(editor_client.post(change_url(row), rate_post(row, tier_upto="100")))
    assert "nat.hourly is not tiered" in page


def test_a_new_tier_can_be_inserted_into_the_ladder(editor_client: Client, draft: PriceBook) -> None:
    response = editor_client.post(change_url(draft), book_post(draft, extra_rates=[{
        "key": "apigw.http.requests", "tier_upto": "1000000000", "price": "0.85",
        "source": "test", "read_on": "2026-11-28", "confidence": "estimate",
    }]))
    assert response.status_code == 302
    assert list(draft.rates.filter(key="apigw.http.requests").values_list("price", flat=True)) == [
        Decimal("1"), Decimal("0.85"), Decimal("0.9")]


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("vcpu", "0", "An instance type has at least 1 vCPU."),
        ("memory_gib", "0", "Memory must be above 0 GiB."),
        ("memory_gib", "-2", "Memory must be above 0 GiB."),
        ("hourly", "-0.01", "The hourly price cannot be negative (USD per hour)."),
        ("burstable_baseline", "0", "The burstable baseline is a share of each vCPU: above 0 and at most 1"),
        ("burstable_baseline", "1.5", "The burstable baseline is a share of each vCPU: above 0 and at most 1"),
        ("name", "not a type", "Enter an EC2 instance type such as t4g.small"),
    ],
)
def test_instance_type_rules(editor_client: Client, draft: PriceBook, field: str, value: str, message: str) -> None:
    row = draft.instance_types.get(name="t4g.small")
    page = errors_of(editor_client.post(change_url(row), instance_post(row, **{field: value})))
    assert message in page


def test_burstable_baseline_of_one_is_allowed(editor_client: Client, draft: PriceBook) -> None:
    row = draft.instance_types.get(name="t4g.small")
    assert editor_client.post(change_url(row), instance_post(row, burstable_baseline="1")).status_code == 302


def test_region_must_be_a_region_code(editor_client: Client, draft: PriceBook) -> None:
    data = book_post(draft) | {"region": "Virginia"}
    assert "Enter an AWS region code such as us-east-1" in errors_of(editor_client.post(change_url(draft), data))


def test_two_published_books_for_the_same_region_and_date_are_refused(price_book: PriceBook, editor: User) -> None:
    draft = clone_as_draft(price_book, user=editor)
    with pytest.raises(PublishError, match="already takes effect on 2026-11-01"):
        publish(draft, price_book.effective_from, user=editor)
    draft.status = PriceBook.Status.PUBLISHED
    draft.effective_from = price_book.effective_from
    with pytest.raises(ValidationError, match="already takes effect"):
        draft.full_clean()


# --- audit ----------------------------------------------------------------------------------


def test_a_price_change_records_who_when_old_and_new(editor_client: Client, editor: User, draft: PriceBook) -> None:
    row = rate(draft, "lambda.arm64.requests")
    before = timezone.now()
    response = editor_client.post(change_url(row), rate_post(row, price="0.25", source="editor check"))
    assert response.status_code == 302
    row.refresh_from_db()
    assert row.price == Decimal("0.25") and row.edited
    entries = {c.field: c for c in PriceChange.objects.filter(row_kind="rate", row_id=row.pk)}
    assert set(entries) == {"price", "source"}
    assert entries["price"].old_value == "0.2" and entries["price"].new_value == "0.25"
    assert entries["price"].user == editor and entries["price"].changed_at >= before
    assert entries["price"].via == "admin" and entries["price"].book == draft
    # The history shows on the row's own page and in the list of changes.
    page = editor_client.get(change_url(row)).content.decode()
    assert re.search(r"<td>price</td><td>0\.2</td><td>0\.25</td>", page)
    listing = editor_client.get(f"/admin/advisor/pricechange/?book__id__exact={draft.pk}").content.decode()
    assert "lambda.arm64.requests" in listing and "0.25" in listing


def test_inline_edits_create_and_delete_are_audited(editor_client: Client, editor: User, draft: PriceBook) -> None:
    nat = rate(draft, "nat.per_gb")
    tier = rate(draft, "transfer.out", Decimal(51200))
    data = book_post(draft, {nat.pk: {"price": "0.05"}, tier.pk: {"DELETE": "on"}})
    assert editor_client.post(change_url(draft), data).status_code == 302
    changed = PriceChange.objects.get(row_id=nat.pk, row_kind="rate")
    assert (changed.field, changed.old_value, changed.new_value, changed.user) == ("price", "0.045", "0.05", editor)
    deleted = PriceChange.objects.get(row_id=tier.pk, row_kind="rate")
    assert deleted.action == "deleted" and "price=0.085" in deleted.old_value
    assert not Rate.objects.filter(pk=tier.pk).exists()
    # Rows that did not change write no audit entries.
    assert PriceChange.objects.filter(book=draft, row_kind="rate").count() == 2


def test_instance_type_change_is_audited(editor_client: Client, editor: User, draft: PriceBook) -> None:
    row = draft.instance_types.get(name="m7g.large")
    assert editor_client.post(change_url(row), instance_post(row, hourly="0.09")).status_code == 302
    entry = PriceChange.objects.get(row_kind="instance type", row_id=row.pk)
    assert (entry.field, entry.old_value, entry.new_value, entry.user) == ("hourly", "0.0816", "0.09", editor)


def test_audit_log_is_read_only(editor_client: Client, draft: PriceBook, editor: User) -> None:
    row = rate(draft, "nat.hourly")
    row.price = Decimal("0.05")
    (entry,) = audit.save_row(row, user=editor, via="admin")
    assert editor_client.get(reverse("admin:advisor_pricechange_change", args=[entry.pk])).status_code == 200
    response = editor_client.post(reverse("admin:advisor_pricechange_change", args=[entry.pk]), {"new_value": "x"})
    assert response.status_code == 403
    assert editor_client.get(reverse("admin:advisor_pricechange_add")).status_code == 403


# --- publishing -------------------------------------------------------------------------------


def test_publish_page_shows_the_changes_row_by_row(editor_client: Client, draft: PriceBook) -> None:
    row = rate(draft, "lambda.x86_64.requests")
    editor_client.post(change_url(row), rate_post(row, price="0.25"))
    page = editor_client.get(reverse("admin:advisor_pricebook_publish", args=[draft.pk])).content.decode()
    assert "Changes against the book in force on" in page
    assert re.search(r"<td>lambda\.x86_64\.requests</td><td>changed</td><td>0\.2</td><td>&rarr;</td>"
                     r"<td>0\.25</td><td>USD per 1M requests</td>", page)
    assert page.count('class="diff-') == 1


def test_publishing_makes_the_draft_the_book_in_force(editor_client: Client, editor: User, price_book: PriceBook, draft: PriceBook) -> None:
    row = rate(draft, "lambda.x86_64.requests")
    editor_client.post(change_url(row), rate_post(row, price="0.25"))
    today = timezone.localdate()
    url = reverse("admin:advisor_pricebook_publish", args=[draft.pk])
    response = editor_client.post(url, {"effective_from": today.isoformat(), "previewed": today.isoformat(), "_publish": "1"})
    assert response.status_code == 302 and response["Location"] == change_url(draft)
    draft.refresh_from_db()
    assert draft.is_published and draft.effective_from == today and draft.published_at
    assert PriceChange.objects.filter(book=draft, field="status", new_value="published", user=editor).exists()
    in_force = book_in_force("us-east-1", today)
    assert in_force == draft
    sheet = price_sheet(in_force)
    assert sheet.rate("lambda.x86_64.requests") == 0.25 and sheet.book.id == draft.pk
    # The earlier book still prices the dates it covered, and is untouched.
    assert book_in_force("us-east-1", today - dt.timedelta(days=1)) == price_book
    assert rate(price_book, "lambda.x86_64.requests").price == Decimal("0.2")


def test_publishing_with_an_unpreviewed_date_shows_the_changes_first(editor_client: Client, draft: PriceBook) -> None:
    url = reverse("admin:advisor_pricebook_publish", args=[draft.pk])
    later = timezone.localdate() + dt.timedelta(days=5)
    response = editor_client.post(url, {"effective_from": later.isoformat(), "previewed": timezone.localdate().isoformat(), "_publish": "1"})
    assert response.status_code == 200
    assert "The date changed" in response.content.decode()
    draft.refresh_from_db()
    assert not draft.is_published


def test_publishing_refuses_a_clashing_or_past_date_with_a_clear_message(editor_client: Client, editor: User, draft: PriceBook) -> None:
    url = reverse("admin:advisor_pricebook_publish", args=[draft.pk])
    past = timezone.localdate() - dt.timedelta(days=1)
    page = errors_of(editor_client.post(url, {"effective_from": past.isoformat(), "previewed": past.isoformat(), "_publish": "1"}))
    assert "The effective date cannot be in the past" in page
    # Another book already published for the date.
    other = clone_as_draft(draft.cloned_from, user=editor)
    day = timezone.localdate() + dt.timedelta(days=3)
    publish(other, day, user=editor)
    page = errors_of(editor_client.post(url, {"effective_from": day.isoformat(), "previewed": day.isoformat(), "_publish": "1"}))
    assert f"Another published price book for us-east-1 already takes effect on {day.isoformat()}" in page
    draft.refresh_from_db()
    assert not draft.is_published


def test_an_incomplete_draft_cannot_be_published(editor: User, draft: PriceBook) -> None:
    draft.rates.filter(key="nat.hourly").delete()
    with pytest.raises(PublishError, match="Prices missing: nat.hourly"):
        publish(draft, timezone.localdate(), user=editor)


def test_publish_action_and_clone_action_from_the_list(editor_client: Client, price_book: PriceBook) -> None:
    response = editor_client.post("/admin/advisor/pricebook/", {"action": "clone_selected", "_selected_action": [price_book.pk]})
    draft = PriceBook.objects.get(status="draft")
    assert response["Location"] == change_url(draft)
    response = editor_client.post("/admin/advisor/pricebook/", {"action": "publish_selected", "_selected_action": [draft.pk]})
    assert response["Location"] == reverse("admin:advisor_pricebook_publish", args=[draft.pk])


# --- in the browser ---------------------------------------------------------------------------


@pytest.mark.browser
def test_editor_clones_changes_a_lambda_price_and_publishes(live_server: Any, page: Any, price_book: PriceBook) -> None:
    from playwright.sync_api import expect

    make_editor("pat")
    page.goto(live_server.url + "/admin/")
    page.fill("#id_username", "pat")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.click("text=Price books")
    # Every region's book has the same name: open the us-east-1 one.
    page.click(f"a[href='/admin/advisor/pricebook/{price_book.pk}/change/']")
    expect(page.locator("#published-notice")).to_be_visible()
    page.click("a.clone-link")
    page.click("input[name=_clone]")
    expect(page.locator(".messagelist li.success")).to_contain_text("is a new draft")

    row = page.locator("tr.form-row:has(select[name$='-key'] option[selected][value='lambda.x86_64.requests'])")
    row.locator("input[name$='-price']").fill("0.25")
    page.click("input[name=_continue]")
    expect(page.locator(".messagelist li.success")).to_contain_text("was changed successfully")

    page.click("a.publish-link")
    diff = page.locator("#rate-diff tr.diff-changed")
    expect(diff).to_have_count(1)
    expect(diff).to_contain_text("lambda.x86_64.requests")
    expect(diff).to_contain_text("0.25")
    page.click("input[name=_publish]")
    expect(page.locator(".messagelist li.success")).to_contain_text("is published")
    expect(page.locator("#published-notice")).to_be_visible()
    assert page.errors == []

    book = book_in_force("us-east-1", timezone.localdate())
    assert book.cloned_from_id == price_book.pk
    assert price_sheet(book).rate("lambda.x86_64.requests") == 0.25

    # The questionnaire prices with the new book: 9M billable requests (after the 1M free)
    # at $0.25 per 1M is $2.25 (it was $1.80).
    page.goto(live_server.url + "/?requests_per_month=10000000&duration_ms=100&memory_mb=512")
    expect(page.locator("body")).to_contain_text(f"Price book: {book.name} (us-east-1)")
    assert re.search(r">Requests</th><td class=\"num\">\$2\.25</td>", page.content())
