"""Knowledge base page: upload (file input and drag and drop; CSV and JSON), the summary, a bad file's row,
counts, search and filters, view (sanitised: nothing from an article runs) and delete."""

from __future__ import annotations

import io
import json

from playwright.sync_api import Page, expect

from answerbot.service import ArticleInput
from tests.console.conftest import Console, check_page, sign_in
from tests.console.kb import KB_CSV


def open_articles(page: Page, console: Console, with_kb: bool = False, extra: tuple[ArticleInput, ...] = ()) -> str:
    account, key = console.new_account("kb", with_kb=with_kb)
    for article in extra:
        console.services.articles.upsert_article(account, article)
    sign_in(page, key)
    page.get_by_role("link", name="Knowledge base").click()
    page.wait_for_url("**/console/articles")
    expect(page.locator("#counts")).to_contain_text("articles")
    return account


def choose_and_upload(page: Page, name: str, data: bytes, mime: str = "text/csv") -> None:
    page.get_by_label("File", exact=True).set_input_files({"name": name, "mimeType": mime, "buffer": data})
    page.get_by_role("button", name="Upload").click()


def expect_rows(page: Page, ids: list[str]) -> None:
    """The list shows these article ids, in this order (waits for the page to get there)."""
    expect(page.locator("#articles-table tbody tr td:first-child")).to_have_text(ids)


def test_upload_csv_then_search_filter_view_and_delete(page: Page, console: Console) -> None:
    open_articles(page, console)
    choose_and_upload(page, "kb.csv", KB_CSV.encode())
    expect(page.locator("#upload-result")).to_have_text("kb.csv: 5 created, 0 updated, 0 unchanged.")
    expect(page.locator("#locale-counts tbody td")).to_have_text(["en", "3", "de", "2"])
    expect_rows(page, ["invoice", "password", "passwort", "refund", "versand"])

    page.get_by_label("Text in title or body").fill("ANMELDESEITE")
    page.get_by_role("button", name="Search").click()
    expect(page.locator("#articles-table caption")).to_have_text("Articles 1–1 of 1")
    expect_rows(page, ["passwort"])
    page.get_by_label("Text in title or body").fill("")
    page.get_by_label("Locale").select_option("de")
    page.get_by_role("button", name="Search").click()
    expect(page.locator("#articles-table caption")).to_have_text("Articles 1–2 of 2")
    expect_rows(page, ["passwort", "versand"])
    page.get_by_label("Locale").select_option("")
    page.get_by_label("Label").select_option("billing")
    page.get_by_role("button", name="Search").click()
    expect(page.locator("#articles-table caption")).to_have_text("Articles 1–2 of 2")
    expect_rows(page, ["invoice", "refund"])

    page.get_by_role("button", name="View refund").click()
    dialog = page.get_by_role("dialog", name="Request a refund")
    expect(dialog).to_be_visible()
    expect(dialog.locator("#view-body")).to_have_text("Refunds reach your card within five days.")
    check_page(page, "articles-view", full_page=False)
    dialog.get_by_role("button", name="Close").click()

    page.get_by_role("button", name="Delete refund").click()
    page.get_by_role("dialog", name="Delete article?").get_by_role("button", name="Delete").click()
    expect(page.locator("#list-status")).to_have_text("Deleted refund.")
    expect(page.locator("#counts")).to_contain_text("4 articles")
    expect_rows(page, ["invoice"])
    check_page(page, "articles")


def test_drag_and_drop_a_json_file(page: Page, console: Console) -> None:
    open_articles(page, console, with_kb=True)
    articles = [{"article_id": "refund", "title": "Request a refund", "body": "Refunds take a week now."}]
    drop = page.evaluate_handle(
        """text => { const data = new DataTransfer();
                     data.items.add(new File([text], "changes.json", {type: "application/json"}));
                     return data; }""",
        json.dumps(articles),
    )
    page.dispatch_event("#dropzone", "drop", {"dataTransfer": drop})
    expect(page.locator("#upload-result")).to_have_text("changes.json: 0 created, 1 updated, 0 unchanged.")


def test_upload_an_xlsx_file(page: Page, console: Console) -> None:
    from openpyxl import Workbook

    open_articles(page, console)
    book = Workbook()
    sheet = book.active
    sheet.append(["article_id", "title", "body", "locale", "labels"])
    sheet.append(["vpn", "VPN einrichten", "Installieren Sie den Client.", "de", "network;setup"])
    data = io.BytesIO()
    book.save(data)
    xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    choose_and_upload(page, "kb.xlsx", data.getvalue(), xlsx)
    expect(page.locator("#upload-result")).to_have_text("kb.xlsx: 1 created, 0 updated, 0 unchanged.")
    row = page.locator("#articles-table tbody tr")
    expect(row.locator("td").nth(1)).to_have_text("VPN einrichten")
    expect(row.locator(".tags li")).to_have_text(["network", "setup"])


def test_bad_csv_shows_the_row_and_column_and_writes_nothing(page: Page, console: Console) -> None:
    open_articles(page, console)
    bad = "article_id,title,body\nok,Fine,Body\nbroken,,No title here\n"
    choose_and_upload(page, "bad.csv", bad.encode())
    error = page.locator("#upload-error")
    expect(error).to_contain_text("bad.csv was not uploaded (nothing was written). Row 3, column title.")
    expect(error).to_contain_text("bad.csv row 3 (article_id 'broken'), column title: title is empty")
    expect(page.locator("#article-list")).to_have_text("No articles yet: upload a file above.")
    check_page(page, "articles-bad-upload")


def test_bad_json_names_the_article_and_field(page: Page, console: Console) -> None:
    open_articles(page, console)
    articles = [{"article_id": "a", "title": "A", "body": "B"}, {"article_id": "b", "body": "no title"}]
    choose_and_upload(page, "kb.json", json.dumps(articles).encode(), "application/json")
    expect(page.locator("#upload-error")).to_contain_text("Article 2 of kb.json, field title.")


def test_article_html_cannot_run_anything(page: Page, console: Console) -> None:
    body = (
        "<p>Safe <b>text</b></p><script>window.__pwned = 'script'</script>"
        "<img src=x onerror=\"window.__pwned = 'onerror'\">"
        '<a id="js" href="javascript:window.__pwned=\'link\'">a link</a>'
        "<div onmouseover=\"window.__pwned = 'hover'\">hover me</div>"
    )
    title = "<img src=y onerror=\"window.__pwned = 'title'\">"
    open_articles(page, console, extra=(ArticleInput("xss", title, body),))
    expect(page.locator("#articles-table")).to_contain_text(title)  # the title is shown as text
    page.get_by_role("button", name="View xss").click()
    shown = page.locator("#view-body")
    expect(shown).to_have_text("Safe texta linkhover me")
    shown.get_by_text("hover me").hover()
    shown.get_by_text("a link").click()
    page.wait_for_timeout(300)  # time for any handler or image error to fire
    assert page.evaluate("window.__pwned") is None
    assert shown.locator("script, img, [onerror], [onmouseover], [href^='javascript']").count() == 0
    assert page.locator("img").count() == 0
