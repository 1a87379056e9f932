"""Links and redirects from content stay off private hosts (ingest/hosts.py); feeds are capped and
their links fetched a few at a time. Loopback servers only: every refused address is refused
before any connection is made."""

from __future__ import annotations

import logging
import socket
import time
from collections.abc import Iterator
from typing import Any

import httpx2
import pytest

from briefgen.ingest import hosts
from briefgen.ingest.article import InputOptions
from briefgen.ingest.web import read_feed_file, read_url
from briefgen.schemas import Article, Unreadable

from conftest import SAMPLE_TEXT, invoke, loopback_site, sample_extraction
from fakeserver import Reply, chat_completion
from website import Page, Site

SECRET = "ADMIN-TOKEN-7f3a9c"
FAST = InputOptions(fetch_timeout=5)


@pytest.fixture
def internal(monkeypatch) -> Iterator[Site]:
    """Another server on the same machine, another port: an 'internal service' with a secret."""
    for running in loopback_site(monkeypatch):
        running.pages["/admin"] = Page(
            f"<html><body><article><h1>Admin</h1><p>{SAMPLE_TEXT} {SECRET}</p></article>"
            "</body></html>"
        )
        yield running


def page(title: str = "Kim to meet Putin") -> str:
    return (
        f"<!doctype html><html><head><title>{title}</title></head><body><article>"
        f"<h1>{title}</h1><p>{SAMPLE_TEXT}</p></article></body></html>"
    )


def rss(*links: str) -> str:
    items = "".join(
        f"<item><title>Item {n}</title><link>{link}</link></item>"
        for n, link in enumerate(links, 1)
    )
    head = '<?xml version="1.0"?><rss version="2.0"><channel><title>Wire</title>'
    return f"{head}{items}</channel></rss>"


def reasons(found: list[Article | Unreadable]) -> list[str]:
    return [f.reason for f in found if isinstance(f, Unreadable)]


# --- the address check -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "127.8.9.10",
        "::1",
        "10.1.2.3",
        "172.16.0.1",
        "192.168.1.1",
        "169.254.169.254",  # cloud metadata
        "fd00::1",
        "fe80::1",
        "224.0.0.1",
        "ff02::1",
        "0.0.0.0",
        "100.64.0.1",
        "240.0.0.1",
        "::ffff:127.0.0.1",
        "::ffff:169.254.169.254",
    ],
)
def test_private_loopback_link_local_multicast_and_reserved_addresses_are_private(address):
    assert hosts.is_private(hosts.ipaddress.ip_address(address))


@pytest.mark.parametrize("address", ["93.184.216.34", "8.8.8.8", "2606:4700::1111"])
def test_public_addresses_are_not(address):
    assert not hosts.is_private(hosts.ipaddress.ip_address(address))


def fake_dns(monkeypatch, answers: dict[str, list[str]]) -> list[str]:
    """getaddrinfo answering for the names in `answers`; returns those asked, in order."""
    asked: list[str] = []
    real = socket.getaddrinfo

    def getaddrinfo(host: str, port: Any, *args: Any, **kwargs: Any) -> list[Any]:
        if host not in answers:  # an address: as the system answers
            return real(host, port, *args, **kwargs)
        asked.append(host)
        return [
            (socket.AF_INET6 if ":" in a else socket.AF_INET, socket.SOCK_STREAM, 6, "", (a, port))
            for a in answers[host]
        ]

    monkeypatch.setattr(hosts.socket, "getaddrinfo", getaddrinfo)
    return asked


def test_a_name_is_checked_after_resolution_every_address_of_it(monkeypatch):
    answers = {"intranet.test": ["127.0.0.1"], "mixed.test": ["93.184.216.34", "10.0.0.5"]}
    fake_dns(monkeypatch, answers)
    with pytest.raises(hosts.Refused, match=r"intranet.test resolves to 127.0.0.1"):
        hosts.checked_address("intranet.test", 80)
    with pytest.raises(hosts.Refused, match=r"mixed.test resolves to 10.0.0.5"):
        hosts.checked_address("mixed.test", 80)


def test_the_connection_goes_to_the_address_that_was_checked(monkeypatch):
    """DNS rebinding: the name is resolved once, checked, and the request sent to that address,
    with the Host header and the TLS server name still the name's."""
    asked = fake_dns(monkeypatch, {"news.test": ["93.184.216.34"]})
    seen: list[httpx2.Request] = []

    def answer(request: httpx2.Request) -> httpx2.Response:
        seen.append(request)
        return httpx2.Response(200, text="ok")

    guard = hosts.GuardedTransport([], allow_private=False, inner=httpx2.MockTransport(answer))
    with httpx2.Client(transport=guard) as client:
        response = client.get("https://news.test/world?a=1")
    assert response.text == "ok"
    assert str(response.url) == "https://news.test/world?a=1"  # as the caller named it
    (sent,) = seen
    assert str(sent.url) == "https://93.184.216.34/world?a=1"
    assert sent.headers["host"] == "news.test"
    assert sent.extensions["sni_hostname"] == "news.test"
    assert asked == ["news.test"]  # resolved once: nothing left to rebind


def test_a_user_named_origin_is_not_checked_and_allow_private_hosts_turns_the_check_off(
    monkeypatch,
):
    asked = fake_dns(monkeypatch, {})
    seen: list[str] = []

    def answer(request: httpx2.Request) -> httpx2.Response:
        seen.append(str(request.url))
        return httpx2.Response(200)

    mock = httpx2.MockTransport(answer)
    named = hosts.GuardedTransport([("intranet.test", 8080)], allow_private=False, inner=mock)
    with httpx2.Client(transport=named) as client:
        client.get("http://intranet.test:8080/feed")
    allowed = hosts.GuardedTransport([], allow_private=True, inner=mock)
    with httpx2.Client(transport=allowed) as client:
        client.get("http://localhost:9/x")
    assert seen == ["http://intranet.test:8080/feed", "http://localhost:9/x"]
    assert asked == []


# --- links and redirects through the real fetcher --------------------------------------------


def test_a_redirect_to_another_port_on_the_same_host_is_refused(site, internal):
    site.pages["/story"] = Page(status=302, headers={"Location": internal.url("/admin")})
    failure = read_url(site.url("/story"), FAST)
    assert [type(f) for f in failure] == [Unreadable]
    assert failure[0].reason == (
        f"{site.url('/story')}: refused: 127.0.0.1 is a private address "
        "(allow_private_hosts is off)"
    )
    assert internal.requests == []  # never reached


def test_a_redirect_to_localhost_is_refused_after_resolving_it(site, internal):
    port = internal.url("/").rsplit(":", 1)[1].split("/")[0]
    site.pages["/story"] = Page(status=302, headers={"Location": f"http://localhost:{port}/admin"})
    (failure,) = read_url(site.url("/story"), FAST)
    assert isinstance(failure, Unreadable)
    assert "refused: localhost resolves to" in failure.reason
    assert internal.requests == []


def test_a_redirect_within_the_named_origin_is_followed(site):
    site.pages["/short"] = Page(status=301, headers={"Location": "/story"})
    site.pages["/story"] = Page(page())
    (article,) = read_url(site.url("/short"), FAST)
    assert isinstance(article, Article), article


def test_a_feeds_links_to_its_own_origin_are_read_and_to_other_private_hosts_refused(
    site, internal
):
    site.pages["/story"] = Page(page())
    site.pages["/feed"] = Page(
        rss(
            site.url("/story"),
            internal.url("/admin"),
            "http://169.254.169.254/latest/meta-data/",
            "http://[::1]:9/x",
            "http://10.0.0.1/x",
        ),
        content_type="application/rss+xml",
    )
    started = time.monotonic()
    found = read_url(site.url("/feed"), FAST)
    assert time.monotonic() - started < 3  # refused before connecting: no timeouts waited
    assert [type(f).__name__ for f in found] == ["Article"] + ["Unreadable"] * 4
    assert reasons(found) == [
        f"{internal.url('/admin')}: refused: 127.0.0.1 is a private address "
        "(allow_private_hosts is off)",
        "http://169.254.169.254/latest/meta-data/: refused: 169.254.169.254 is a private "
        "address (allow_private_hosts is off)",
        "http://[::1]:9/x: refused: ::1 is a private address (allow_private_hosts is off)",
        "http://10.0.0.1/x: refused: 10.0.0.1 is a private address (allow_private_hosts is off)",
    ]
    assert internal.requests == []
    assert all(SECRET not in f.model_dump_json() for f in found)


def test_a_feed_files_links_to_private_hosts_are_refused_unless_allowed(internal, tmp_path):
    feed = tmp_path / "wire.rss"
    feed.write_text(rss(internal.url("/admin")), encoding="utf-8")
    (refused,) = read_feed_file(feed, FAST)
    assert isinstance(refused, Unreadable)
    assert "refused: 127.0.0.1 is a private address" in refused.reason
    assert internal.requests == []
    allowed = InputOptions(fetch_timeout=5, allow_private_hosts=True)
    (article,) = read_feed_file(feed, allowed)
    assert isinstance(article, Article), article
    assert internal.paths() == ["/admin"]


def test_a_links_redirect_to_a_private_host_is_refused_too(site, internal):
    site.pages["/out"] = Page(status=302, headers={"Location": internal.url("/admin")})
    site.pages["/feed"] = Page(rss(site.url("/out")), content_type="application/rss+xml")
    (failure,) = read_url(site.url("/feed"), FAST)
    assert isinstance(failure, Unreadable)
    assert failure.reason.startswith(f"{site.url('/out')}: refused: 127.0.0.1")
    assert internal.requests == []


# --- feed size and fetch concurrency ---------------------------------------------------------


def test_a_huge_feed_is_capped_and_the_rest_counted(site, caplog):
    """50,000 entries made 50,000 requests one after another (88 s); now max_feed_items."""
    links = [site.url(f"/n/{n}") for n in range(5000)]
    site.pages["/feed"] = Page(rss(*links), content_type="application/rss+xml")
    options = InputOptions(fetch_timeout=5, max_feed_items=30)
    started = time.monotonic()
    with caplog.at_level(logging.INFO, logger="briefgen"):
        found = read_url(site.url("/feed"), options)
    assert time.monotonic() - started < 20
    assert len(found) == 30
    assert len(site.requests) == 1 + 30
    (record,) = [r for r in caplog.records if getattr(r, "briefgen", {}).get("event")]
    assert record.levelno == logging.WARNING
    assert record.briefgen == {
        "event": "feed_capped",
        "source": site.url("/feed"),
        "skipped": 4970,
        "max_feed_items": 30,
    }
    assert InputOptions().max_feed_items == 200


def test_a_feeds_links_are_fetched_a_few_at_a_time_and_two_per_host(site):
    for n in range(8):
        site.pages[f"/s/{n}"] = Page(page(f"Story {n}"), delay=0.3)
    site.pages["/feed"] = Page(
        rss(*(site.url(f"/s/{n}") for n in range(8))), content_type="application/rss+xml"
    )
    started = time.monotonic()
    found = read_url(site.url("/feed"), FAST)
    took = time.monotonic() - started
    assert [a.title for a in found] == [f"Item {n}" for n in range(1, 9)]  # in feed order
    assert site.most_at_once == 2  # the per-host limit, and not one after another
    assert took < 8 * 0.3  # 4 rounds of 2, not 8 of 1


# --- the command line ------------------------------------------------------------------------


def test_make_with_a_feed_linking_to_an_internal_service_keeps_its_secret_out(
    runner, server, site, internal, tmp_path
):
    server.default = Reply(body=chat_completion(sample_extraction().model_dump_json()))
    site.pages["/story"] = Page(page())
    site.pages["/feed"] = Page(
        rss(site.url("/story"), internal.url("/admin")), content_type="application/rss+xml"
    )
    out = tmp_path / "b.md"
    result = invoke(
        runner, "make", site.url("/feed"), "--base-url", server.url, "--out", out, "--json",
        tmp_path / "b.json",
    )  # fmt: skip
    assert result.exit_code == 3, result.output  # a partial brief: one source refused
    assert f"{internal.url('/admin')}: refused: 127.0.0.1 is a private address" in result.stderr
    assert internal.requests == []
    assert len(server.requests) == 1
    for written in (out, tmp_path / "b.json"):
        assert SECRET not in written.read_text()
    assert SECRET not in result.output
    # The operator whose feeds link to internal services says so once.
    result = invoke(
        runner, "make", site.url("/feed"), "--base-url", server.url, "--out", out,
        "--allow-private-hosts",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert internal.paths() == ["/admin"]


def test_the_setting_comes_from_the_environment(
    runner, server, site, internal, tmp_path, monkeypatch
):
    server.default = Reply(body=chat_completion(sample_extraction().model_dump_json()))
    site.pages["/feed"] = Page(rss(internal.url("/admin")), content_type="application/rss+xml")
    monkeypatch.setenv("BRIEFGEN_ALLOW_PRIVATE_HOSTS", "true")
    result = invoke(runner, "make", site.url("/feed"), "--base-url", server.url, "-q")
    assert result.exit_code == 0, result.output
    assert internal.paths() == ["/admin"]


def test_a_pinned_request_reaches_the_checked_address_with_the_names_host_header(site, monkeypatch):
    """The real transport, pinned: 'news.test' resolved once (to this loopback site, allowed
    here by pretending loopback were public), the request sent there with Host: news.test."""
    port = int(site.url("/").rsplit(":", 1)[1].split("/")[0])
    asked = fake_dns(monkeypatch, {"news.test": ["127.0.0.1"]})
    monkeypatch.setattr(hosts, "is_private", lambda address: False)
    site.pages["/story"] = Page(page())
    site.pages["/feed"] = Page(rss(f"http://news.test:{port}/story"), content_type="text/xml")
    (article,) = read_url(site.url("/feed"), FAST)
    assert isinstance(article, Article), article
    assert article.source == f"http://news.test:{port}/story"  # the name, not the address
    assert site.requests[-1][0] == "/story"
    assert site.requests[-1][1]["Host"] == f"news.test:{port}"
    assert asked == ["news.test"]
