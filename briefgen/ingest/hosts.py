"""Where a fetch may lead: addresses that come from content stay off private hosts.

A source the user names (on the command line or in the config) is fetched wherever it points:
the user chose it. Everything else a fetch reaches came from content a third party controls —
a feed entry's link, a redirect (every hop) — and is refused when its host resolves to an
address that is not public: loopback, private (RFC 1918, unique-local), link-local (cloud
metadata at 169.254.169.254), multicast, reserved, unspecified, shared (100.64/10) or
documentation ranges, IPv4-mapped IPv6 forms included (`ipaddress`'s `is_global`, plus
multicast). One exception keeps a user-named host's own pages readable: a link or redirect to
the same origin (host and port) as the source the user named is the user's choice too — that
server could have served the page itself. `allow_private_hosts` turns the check off.

The check runs after DNS resolution, on every request (each redirect hop is one), and the
connection is made to the address that was checked (the URL's host replaced by it, with the
Host header and TLS server name kept): a name that resolves to a public address for the check
and to 127.0.0.1 for the connection (DNS rebinding) cannot slip through. Two residual risks:
through a proxy from the environment (HTTP_PROXY, ...), the proxy resolves the name again, so
the check is made but the connection is not pinned; and name resolution itself is not bounded
by `fetch_timeout` (the system resolver's own timeouts apply).
"""

from __future__ import annotations

import ipaddress
import socket
import urllib.request
from collections.abc import Iterable
from typing import Any

import httpx2

from briefgen.errors import InputError

DEFAULT_PORTS = {"http": 80, "https": 443}
Origin = tuple[str, int]
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


class Refused(InputError):
    """A link or redirect from content that leads to a private address."""


def origin(url: Any) -> Origin | None:
    """(host, port) of a URL (a string or an httpx2.URL), the port filled in from the scheme;
    None when it has no host."""
    try:
        parsed = url if isinstance(url, httpx2.URL) else httpx2.URL(str(url))
    except (httpx2.InvalidURL, TypeError, ValueError):
        return None
    if not parsed.host:
        return None
    port = parsed.port or DEFAULT_PORTS.get(parsed.scheme, 0)
    return parsed.host.lower(), port


def is_private(address: IPAddress) -> bool:
    """Not a public unicast address: loopback, private, link-local, multicast, reserved, ..."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return address.is_multicast or not address.is_global


def _literal(host: str) -> IPAddress | None:
    try:
        return ipaddress.ip_address(host.strip("[]").split("%", 1)[0])
    except ValueError:
        return None


def checked_address(host: str, port: int) -> IPAddress:
    """The address to connect to for `host`: resolved once, every address it resolves to
    checked; `Refused` when any of them is private, `InputError` when it does not resolve."""
    if (literal := _literal(host)) is not None:
        if is_private(literal):
            raise Refused(f"refused: {host} is a private address (allow_private_hosts is off)")
        return literal
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as exc:
        raise InputError(f"cannot resolve {host} ({exc})") from None
    addresses = list(dict.fromkeys(_literal(str(info[4][0])) for info in found))
    usable = [a for a in addresses if a is not None]
    if not usable:
        raise InputError(f"cannot resolve {host}")
    for address in usable:
        if is_private(address):
            raise Refused(
                f"refused: {host} resolves to {address}, a private address "
                "(allow_private_hosts is off)"
            )
    return usable[0]


class GuardedTransport(httpx2.BaseTransport):
    """An httpx2 transport that checks every request's host (see the module's doc) and
    connects to the address it checked. `trusted`: the origins the user named."""

    def __init__(self, trusted: Iterable[Origin], *, allow_private: bool, inner: Any = None):
        self.trusted = set(trusted)
        self.allow_private = allow_private
        self._direct = inner if inner is not None else httpx2.HTTPTransport()
        self._proxies: dict[str, Any] = {}
        self._proxy_map = urllib.request.getproxies_environment() if inner is None else {}

    def _proxy_for(self, url: Any) -> str | None:
        proxy = self._proxy_map.get(url.scheme) or self._proxy_map.get("all")
        if not proxy or urllib.request.proxy_bypass(url.host):
            return None
        return str(proxy)

    def _via(self, proxy: str | None) -> Any:
        if proxy is None:
            return self._direct
        if proxy not in self._proxies:
            self._proxies[proxy] = httpx2.HTTPTransport(proxy=proxy)
        return self._proxies[proxy]

    def handle_request(self, request: httpx2.Request) -> httpx2.Response:
        url = request.url
        proxy = self._proxy_for(url)
        where = origin(url)
        if self.allow_private or where is None or where in self.trusted:
            return self._via(proxy).handle_request(request)
        address = checked_address(*where)
        if proxy is not None or _literal(url.host) is not None:
            return self._via(proxy).handle_request(request)  # a proxy resolves it again
        pinned = httpx2.Request(
            request.method,
            url.copy_with(host=str(address)),
            headers=request.headers,  # the Host header names the host, not the address
            stream=request.stream,
            extensions={**request.extensions, "sni_hostname": url.host},
        )
        return self._direct.handle_request(pinned)

    def close(self) -> None:
        self._direct.close()
        for transport in self._proxies.values():
            transport.close()
