"""A stateful local stand-in for the Stripe Connect API, for tests only.

localstripe serves PaymentIntents, charges and refunds but not Connect. This
server answers the Connect calls the storefront makes, with Stripe's
documented request and response shapes (form-encoded requests with bracketed
keys, JSON objects with `object` and `id`, errors as {"error": {"type",
"message", "param"}}), and keeps its state in memory:

    POST /v1/accounts                   GET /v1/accounts/{id}
    POST /v1/account_links
    POST /v1/transfers                  GET /v1/transfers/{id}
    POST /v1/transfers/{id}/reversals

Like Stripe it honours Idempotency-Key (same key and same parameters: the
first answer again; same key, other parameters: an idempotency_error), refuses
transfers to accounts that cannot receive them and reversals beyond what is
left of a transfer. Tests steer it with complete_onboarding() and fail_next(),
and read `requests` to see what was sent.
"""

import json
import re
import secrets
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlparse


def unflatten(pairs):
    """[("metadata[order]", "1"), ("capabilities[transfers][requested]", "true")] -> nested dicts."""
    result = {}
    for key, value in pairs:
        parts = re.findall(r"[^\[\]]+", key)
        node = result
        for part in parts[:-1]:
            node = node.setdefault(part, {})
        node[parts[-1]] = value
    return result


class StripeStandinError(Exception):
    def __init__(self, status, message, *, type="invalid_request_error", param=None, code=None):
        super().__init__(message)
        self.status = status
        self.body = {"error": {"type": type, "message": message, "param": param, "code": code}}


class ConnectStandin:
    def __init__(self):
        self.accounts = {}
        self.transfers = {}
        self.reversals = {}
        self.requests = []  # (method, path, params, idempotency key)
        self._idempotent = {}
        self._failures = []  # (method, path prefix, status or "drop")
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    # Lifecycle

    @property
    def url(self):
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self):
        self._thread.start()
        return self

    def stop(self):
        self._server.shutdown()
        self._server.server_close()

    # Steering from tests

    def reset(self):
        """Forget every object, idempotency key, failure and request (a test's clean start)."""
        with self._lock:
            for table in (self.accounts, self.transfers, self.reversals, self._idempotent):
                table.clear()
            self.requests.clear()
            self._failures.clear()

    def complete_onboarding(self, account_id, *, charges=True, payouts=True):
        """What a grower finishing Stripe's Express onboarding does to their account."""
        with self._lock:
            account = self.accounts[account_id]
            account.update(charges_enabled=charges, payouts_enabled=payouts, details_submitted=True)
            account["capabilities"]["transfers"] = "active" if payouts else "inactive"
            return dict(account)

    def add_account(self, *, enabled=True):
        """A connected account that finished onboarding already."""
        account = self._create_account({"type": "express", "country": "GB"})
        if enabled:
            self.complete_onboarding(account["id"])
        return self.accounts[account["id"]]

    def fail_next(self, method, path_prefix, status=500):
        """Make the next matching request fail with `status`, or drop the connection ("drop")."""
        with self._lock:
            self._failures.append((method, path_prefix, status))

    def calls(self, method, path_prefix):
        return [r for r in self.requests if r[0] == method and r[1].startswith(path_prefix)]

    # The API

    def handle(self, method, path, params, idempotency_key):
        with self._lock:
            self.requests.append((method, path, params, idempotency_key))
            for failure in self._failures:
                if failure[0] == method and path.startswith(failure[1]):
                    self._failures.remove(failure)
                    if failure[2] == "drop":
                        return "drop", None
                    return failure[2], {"error": {"type": "api_error", "message": "Injected failure"}}
            if method == "POST" and idempotency_key:
                seen = self._idempotent.get(idempotency_key)
                if seen is not None:
                    if seen[0] != (path, params):
                        return 400, {"error": {"type": "idempotency_error", "message": "Keys for idempotent requests can only be used with the same parameters they were first used with."}}
                    return seen[1], seen[2]
            try:
                status, body = 200, self._route(method, path, params)
            except StripeStandinError as exc:
                status, body = exc.status, exc.body
            if method == "POST" and idempotency_key and status < 500:
                self._idempotent[idempotency_key] = ((path, params), status, body)
            return status, body

    def _route(self, method, path, params):
        routes = [
            ("POST", r"/v1/accounts", lambda: self._create_account(params)),
            ("GET", r"/v1/accounts/(acct_\w+)", lambda m: self._get(self.accounts, m, "account")),
            ("POST", r"/v1/account_links", lambda: self._create_account_link(params)),
            ("POST", r"/v1/transfers", lambda: self._create_transfer(params)),
            ("GET", r"/v1/transfers/(tr_\w+)", lambda m: self._get(self.transfers, m, "transfer")),
            ("POST", r"/v1/transfers/(tr_\w+)/reversals", lambda m: self._create_reversal(m, params)),
        ]
        for route_method, pattern, action in routes:
            match = re.fullmatch(pattern, path)
            if match and route_method == method:
                return action(match.group(1)) if match.groups() else action()
        raise StripeStandinError(404, f"Unrecognized request URL ({method}: {path}).")

    @staticmethod
    def _new_id(prefix):
        return prefix + secrets.token_hex(8)

    def _get(self, table, object_id, kind):
        if object_id not in table:
            raise StripeStandinError(404, f"No such {kind}: '{object_id}'", code="resource_missing", param="id")
        return table[object_id]

    def _create_account(self, params):
        if params.get("type") not in ("express", "standard", "custom"):
            raise StripeStandinError(400, "Invalid type: must be one of express, standard or custom", param="type")
        account = {
            "id": self._new_id("acct_"),
            "object": "account",
            "type": params["type"],
            "country": params.get("country", "GB"),
            "email": params.get("email"),
            "charges_enabled": False,
            "payouts_enabled": False,
            "details_submitted": False,
            "capabilities": {"transfers": "inactive"},
            "metadata": params.get("metadata", {}),
            "created": int(time.time()),
            "livemode": False,
        }
        self.accounts[account["id"]] = account
        return account

    def _create_account_link(self, params):
        for name in ("account", "refresh_url", "return_url", "type"):
            if not params.get(name):
                raise StripeStandinError(400, f"Missing required param: {name}.", param=name)
        self._get(self.accounts, params["account"], "account")
        now = int(time.time())
        return {
            "object": "account_link",
            "created": now,
            "expires_at": now + 300,
            "url": f"{self.url}/connect/onboarding/{params['account']}?return_url={params['return_url']}",
        }

    def _create_transfer(self, params):
        try:
            amount = int(params.get("amount", ""))
        except ValueError:
            raise StripeStandinError(400, "Invalid integer: amount", param="amount") from None
        if amount <= 0:
            raise StripeStandinError(400, "Amount must be at least 1", param="amount")
        account = self._get(self.accounts, params.get("destination", ""), "account")
        if account["capabilities"]["transfers"] != "active":
            raise StripeStandinError(
                400,
                "Your destination account needs to have at least one of the following capabilities enabled: transfers",
                param="destination",
                code="insufficient_capabilities_for_transfer",
            )
        transfer = {
            "id": self._new_id("tr_"),
            "object": "transfer",
            "amount": amount,
            "amount_reversed": 0,
            "currency": params.get("currency"),
            "destination": account["id"],
            "destination_payment": self._new_id("py_"),
            "reversed": False,
            "reversals": {"object": "list", "data": [], "has_more": False, "total_count": 0},
            "source_transaction": params.get("source_transaction"),
            "transfer_group": params.get("transfer_group"),
            "metadata": params.get("metadata", {}),
            "created": int(time.time()),
            "livemode": False,
        }
        self.transfers[transfer["id"]] = transfer
        return transfer

    def _create_reversal(self, transfer_id, params):
        transfer = self._get(self.transfers, transfer_id, "transfer")
        left = transfer["amount"] - transfer["amount_reversed"]
        amount = int(params.get("amount", left))
        if amount <= 0 or amount > left:
            raise StripeStandinError(
                400, f"You cannot reverse {amount} of a transfer with {left} left to reverse.", param="amount"
            )
        reversal = {
            "id": self._new_id("trr_"),
            "object": "transfer_reversal",
            "amount": amount,
            "currency": transfer["currency"],
            "transfer": transfer_id,
            "metadata": params.get("metadata", {}),
            "created": int(time.time()),
        }
        self.reversals[reversal["id"]] = reversal
        transfer["amount_reversed"] += amount
        transfer["reversed"] = transfer["amount_reversed"] == transfer["amount"]
        transfer["reversals"]["data"].append(reversal)
        transfer["reversals"]["total_count"] += 1
        return reversal

    def _handler_class(standin):  # noqa: N805  (the stand-in, seen from the handler)
        class Handler(BaseHTTPRequestHandler):
            def _answer(self, method):
                auth = self.headers.get("Authorization", "")
                if not auth.startswith("Bearer sk_"):
                    return self._send(401, {"error": {"type": "invalid_request_error", "message": "Invalid API Key provided"}})
                parsed = urlparse(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length).decode() if length else ""
                params = unflatten(parse_qsl(body if method == "POST" else parsed.query, keep_blank_values=True))
                status, payload = standin.handle(method, parsed.path, params, self.headers.get("Idempotency-Key"))
                if status == "drop":
                    self.close_connection = True
                    self.connection.close()
                    return
                self._send(status, payload)

            def _send(self, status, payload):
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self):
                self._answer("GET")

            def do_POST(self):
                self._answer("POST")

            def log_message(self, *args):
                pass

        return Handler
