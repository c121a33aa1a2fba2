"""The HTTP client of the VibeLux API, which validates every answer against the contract.

Endpoints (see docs/vibelux.md):

    GET {base}/v1/facilities/{facility_id}
    GET {base}/v1/crop-cycles?facility_id=&updated_since=&cursor=&limit=
    GET {base}/v1/harvests?facility_id=&updated_since=&cursor=&limit=

with ``Authorization: Bearer <api token>``.
"""

import urllib.error
import urllib.parse
import urllib.request

from . import contract
from . import settings as vl_settings

RESOURCES = {"crop-cycles": "crop_cycle", "harvests": "harvest"}


class APIError(RuntimeError):
    """The API could not be reached or answered with an error; the pull backs off and retries."""


class VibeLuxClient:
    def __init__(self, base_url, token, timeout=None):
        if not base_url:
            raise APIError("the connection has no API address; it takes file uploads only")
        self.base_url = base_url.rstrip("/")
        self.token = token
        self.timeout = timeout or vl_settings.get("VIBELUX_HTTP_TIMEOUT")

    def _get(self, path, params=None):
        query = "?" + urllib.parse.urlencode({k: v for k, v in (params or {}).items() if v}) if params else ""
        request = urllib.request.Request(
            f"{self.base_url}{path}{query}",
            headers={"Authorization": f"Bearer {self.token}", "Accept": "application/json"},
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                text = response.read().decode("utf-8")
        except urllib.error.HTTPError as exc:
            raise APIError(f"GET {path} answered {exc.code} {exc.reason}") from exc
        except (urllib.error.URLError, OSError) as exc:
            raise APIError(f"GET {path} failed: {exc}") from exc
        try:
            return contract.loads(text)
        except contract.ContractError as exc:
            raise APIError(f"GET {path}: {exc}") from exc

    def facility(self, facility_id):
        payload = self._get(f"/v1/facilities/{urllib.parse.quote(facility_id)}")
        contract.validate("facility", payload)
        return payload

    def page(self, resource, facility_id, updated_since=None, cursor=None, limit=None):
        """One page of ``resource``: ``(items, next_cursor)``, every item checked against its schema."""
        record = RESOURCES[resource]
        payload = self._get(
            f"/v1/{resource}",
            {"facility_id": facility_id, "updated_since": updated_since, "cursor": cursor,
             "limit": limit or vl_settings.get("VIBELUX_PULL_PAGE_SIZE")},
        )
        contract.validate("page", payload)
        found = []
        for index, item in enumerate(payload["items"]):
            found += contract.problems(record, item, prefix=f"{resource}.items[{index}]")
        if found:
            raise contract.ContractError(found, what=f"{resource} page")
        return payload["items"], payload["next"]
