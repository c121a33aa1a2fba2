"""The plugin host: one pluggy manager, one guarded caller, one breaker.

Everything in the storefront that calls a plugin goes through a
``PluginHost``. ``get_host()`` returns the process-wide host built from the
installed entry points; tests swap in a fresh one with the
``plugin_host`` fixture (tests/plugin_fixtures.py).

Why the host calls implementations itself instead of ``pm.hook.name(...)``:
pluggy stops at the first exception, while a display hook must skip the one
broken plugin, log its name and go on; and each plugin gets its own
per-site ``config``, which pluggy's single keyword set cannot express.
Implementations are still ordered by pluggy (tryfirst / trylast).
"""

import difflib
import importlib
import logging
import threading
import time
import uuid
from collections import deque
from dataclasses import dataclass, field

import pluggy

from . import PROJECT_NAME, hookspecs
from .scope import Scope, current_scope

logger = logging.getLogger("storefront.plugins")


class PluginError(Exception):
    """A strict (money) hook failed; carries the plugin id."""

    def __init__(self, plugin_id, hook_name, exc):
        super().__init__(f"plugin {plugin_id!r} failed in {hook_name}: {exc.__class__.__name__}: {exc}")
        self.plugin_id = plugin_id
        self.hook_name = hook_name


@dataclass
class Problem:
    """Something wrong with a plugin found at start: shown by checks and `manage.py plugins`."""

    plugin_id: str
    level: str  # "error" or "warning"
    message: str


@dataclass
class PluginRecord:
    """A registered plugin and what it declared about itself."""

    id: str
    module: object
    version: str = ""
    meta: dict = field(default_factory=dict)

    @property
    def label(self):
        return self.meta.get("label") or self.id.replace("_", " ").capitalize()


class PluginHost:
    def __init__(self, *, breaker_threshold=5, breaker_window=60.0, breaker_cooldown=300.0, clock=time.monotonic):
        self.pm = pluggy.PluginManager(PROJECT_NAME)
        self.pm.add_hookspecs(hookspecs)
        self.plugins = {}
        self.problems = []
        self.unloaded = []  # DiscoveredPlugin entries that were not registered (errors, globally disabled)
        self.breaker_threshold = breaker_threshold
        self.breaker_window = breaker_window
        self.breaker_cooldown = breaker_cooldown
        self.clock = clock
        self._failures = {}
        self._open_until = {}
        self._last_error = {}
        self._lock = threading.Lock()
        self._spec_modules = []
        # Names this host's entries in shared caches; build_host() uses "installed".
        self._token = uuid.uuid4().hex
        # Bumped on every (un)registration, so a scope cached before a plugin
        # was added never hides it. Equal in every process that loaded the same plugins.
        self.generation = 0

    @property
    def token(self):
        return f"{self._token}.{self.generation}"

    @token.setter
    def token(self, value):
        self._token = value

    # --- registration --------------------------------------------------------

    def register(self, plugin_id, module, *, version="", meta=None):
        """Register a plugin module (or object); returns False and records a problem if it is invalid."""
        from .discovery import plugin_meta

        meta = dict(meta if meta is not None else plugin_meta(module))
        if plugin_id in self.plugins:
            self.problems.append(Problem(plugin_id, "error", f"the plugin id {plugin_id!r} is already registered"))
            return False
        try:
            self.add_hookspecs(meta.get("hookspecs"))
            self.pm.register(module, name=plugin_id)
        except (pluggy.PluginValidationError, ImportError, ValueError) as exc:
            message = f"not registered: {exc}"
            self.problems.append(Problem(plugin_id, "error", message))
            logger.error("Plugin %s %s", plugin_id, message)
            return False
        self.plugins[plugin_id] = PluginRecord(plugin_id, module, version=version, meta=meta)
        self.generation += 1
        for name in self.misspelled_hooks(plugin_id):
            known = [n for n in self.pm.hook.__dict__ if self.hook_has_spec(n)]
            close = difflib.get_close_matches(name, known, n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            message = f"implements {name!r}, which is not a storefront hook{hint}; it will never be called"
            self.problems.append(Problem(plugin_id, "error", message))
            logger.error("Plugin %s %s", plugin_id, message)
        return True

    def add_hookspecs(self, specs):
        """Add a plugin's own hook specifications (a module or its dotted path), once."""
        if not specs:
            return
        if isinstance(specs, str):
            specs = importlib.import_module(specs)
        if specs not in self._spec_modules:
            self.pm.add_hookspecs(specs)
            self._spec_modules.append(specs)

    def unregister(self, plugin_id):
        record = self.plugins.pop(plugin_id, None)
        if record is not None:
            self.pm.unregister(name=plugin_id)
            self.generation += 1
        self.problems = [p for p in self.problems if p.plugin_id != plugin_id]

    def load(self, discovered):
        """Register every loaded, globally enabled plugin from a discovery result."""
        # Specs first: a plugin may implement a hook another plugin defines.
        for plugin in discovered:
            if plugin.loaded and not plugin.disabled:
                try:
                    self.add_hookspecs(plugin.meta.get("hookspecs"))
                except (ImportError, ValueError) as exc:
                    plugin.error = f"its HOOKSPECS could not be added: {exc}"
        for plugin in discovered:
            if plugin.error:
                self.problems.append(Problem(plugin.id, "error", plugin.error))
                self.unloaded.append(plugin)
            elif plugin.disabled:
                self.unloaded.append(plugin)
            else:
                self.register(plugin.id, plugin.module, version=plugin.version, meta=plugin.meta)

    def register_installed(self, *plugin_ids):
        """Register installed plugins by id (tests use this to pick the plugins they need)."""
        from .discovery import installed_plugins

        found = {plugin.id: plugin for plugin in installed_plugins()}
        for plugin_id in plugin_ids:
            plugin = found.get(plugin_id)
            if plugin is None or not plugin.loaded:
                raise LookupError(f"{plugin_id!r} is not an installed, loadable plugin; installed: {sorted(found)}")
            self.register(plugin.id, plugin.module, version=plugin.version, meta=plugin.meta)
        return self

    def hook_has_spec(self, name):
        caller = getattr(self.pm.hook, name, None)
        return caller is not None and caller.spec is not None

    def misspelled_hooks(self, plugin_id):
        plugin = self.pm.get_plugin(plugin_id)
        names = []
        for caller in self.pm.get_hookcallers(plugin) or []:
            if caller.spec is None:
                names.append(caller.name)
        return sorted(names)

    def implemented_hooks(self, plugin_id):
        plugin = self.pm.get_plugin(plugin_id)
        return sorted(c.name for c in self.pm.get_hookcallers(plugin) or [] if c.spec is not None)

    # --- calling ---------------------------------------------------------------

    def _impls(self, hook_name, scope):
        caller = getattr(self.pm.hook, hook_name, None)
        if caller is None or caller.spec is None:
            raise LookupError(f"{hook_name!r} is not a storefront hook; see storefront/plugins/hookspecs.py")
        impls = [
            i for i in caller.get_hookimpls() if not (i.wrapper or i.hookwrapper) and scope.allows(i.plugin_name)
        ]
        # Call order must not depend on import or registration order, which
        # differs between machines: tryfirst, then by plugin id, then trylast.
        impls.sort(key=lambda i: (0 if i.tryfirst else 2 if i.trylast else 1, i.plugin_name))
        return caller, impls

    @staticmethod
    def _arguments(impl, kwargs, scope):
        values = []
        for name in impl.argnames:
            if name == "config":
                values.append(scope.config_for(impl.plugin_name))
            elif name == "site" and "site" not in kwargs:
                values.append(scope.site)
            elif name in kwargs:
                values.append(kwargs[name])
            else:
                raise TypeError(f"{impl.function.__qualname__} wants {name!r}, which the caller did not pass")
        return values

    def _scope(self, scope):
        return scope or current_scope.get() or Scope()

    def call(self, hook_name, *, scope=None, **kwargs):
        """Call a display hook, guarded: a failing plugin is logged, counted and skipped.

        Returns the list of non-None results (collecting hooks) or the first
        non-None result (``firstresult`` hooks).
        """
        scope = self._scope(scope)
        caller, impls = self._impls(hook_name, scope)
        firstresult = caller.spec.opts.get("firstresult", False)
        results = []
        for impl in impls:
            plugin_id = impl.plugin_name
            if self.is_tripped(plugin_id):
                continue
            try:
                result = impl.function(*self._arguments(impl, kwargs, scope))
            except Exception as exc:
                self._record_failure(plugin_id, hook_name, exc)
                continue
            if result is not None:
                if firstresult:
                    return result
                results.append(result)
        return None if firstresult else results

    def call_with_ids(self, hook_name, *, scope=None, **kwargs):
        """Like ``call`` for a collecting hook, but returns ``[(plugin_id, result)]``."""
        scope = self._scope(scope)
        _, impls = self._impls(hook_name, scope)
        results = []
        for impl in impls:
            if self.is_tripped(impl.plugin_name):
                continue
            try:
                result = impl.function(*self._arguments(impl, kwargs, scope))
            except Exception as exc:
                self._record_failure(impl.plugin_name, hook_name, exc)
                continue
            if result is not None:
                results.append((impl.plugin_name, result))
        return results

    def call_strict(self, hook_name, *, scope=None, **kwargs):
        """Call a hook that decides money: any plugin error raises PluginError.

        The breaker does not apply: skipping a pricing plugin silently would
        charge the wrong amount, which is worse than a failed checkout.
        """
        scope = self._scope(scope)
        caller, impls = self._impls(hook_name, scope)
        firstresult = caller.spec.opts.get("firstresult", False)
        results = []
        for impl in impls:
            try:
                result = impl.function(*self._arguments(impl, kwargs, scope))
            except Exception as exc:
                logger.exception("Plugin %s failed in money hook %s", impl.plugin_name, hook_name)
                raise PluginError(impl.plugin_name, hook_name, exc) from exc
            if result is not None:
                if firstresult:
                    return result
                results.append(result)
        return None if firstresult else results

    def call_one(self, plugin_id, hook_name, *, scope=None, **kwargs):
        """Call one plugin's implementation of a hook, unguarded (used by event tasks, which retry)."""
        scope = self._scope(scope)
        _, impls = self._impls(hook_name, Scope(site=scope.site, configs=scope.configs))
        for impl in impls:
            if impl.plugin_name == plugin_id:
                return impl.function(*self._arguments(impl, kwargs, scope))
        raise LookupError(f"plugin {plugin_id!r} does not implement {hook_name}")

    def collect_startup(self, hook_name):
        """Results of a start-up hook from every registered plugin: ``[(plugin_id, result)]``.

        A failure is recorded as a problem (shown by ``manage.py check``) and skipped.
        """
        _, impls = self._impls(hook_name, Scope())
        results = []
        for impl in impls:
            try:
                result = impl.function(*self._arguments(impl, {}, Scope()))
            except Exception as exc:
                message = f"failed in {hook_name}: {exc.__class__.__name__}: {exc}"
                self.problems.append(Problem(impl.plugin_name, "error", message))
                logger.exception("Plugin %s %s", impl.plugin_name, message)
                continue
            if result is not None:
                results.append((impl.plugin_name, result))
        return results

    def emit(self, hook_name, *, site_id=None, scope=None, **kwargs):
        """Queue an event hook for every enabled implementing plugin, after the transaction commits.

        Each plugin gets its own Celery task (``storefront.plugins.tasks.run_event``),
        so one plugin's retries never run another plugin twice. Arguments must
        be JSON-serialisable (ids, strings, numbers).
        """
        from django.db import transaction

        from .tasks import run_event

        if hook_name not in hookspecs.EVENT_HOOKS:
            raise LookupError(f"{hook_name!r} is not an event hook; events are {sorted(hookspecs.EVENT_HOOKS)}")
        scope = self._scope(scope)
        _, impls = self._impls(hook_name, scope)
        plugin_ids = [impl.plugin_name for impl in impls]
        for plugin_id in plugin_ids:
            transaction.on_commit(
                lambda plugin_id=plugin_id: run_event.delay(plugin_id, hook_name, site_id, kwargs),
                robust=True,
            )
        return plugin_ids

    # --- the breaker -------------------------------------------------------------

    def _record_failure(self, plugin_id, hook_name, exc):
        logger.error(
            "Plugin %s failed in %s and was skipped: %s: %s", plugin_id, hook_name, exc.__class__.__name__, exc,
            exc_info=exc,
        )
        now = self.clock()
        with self._lock:
            failures = self._failures.setdefault(plugin_id, deque())
            failures.append(now)
            while failures and failures[0] < now - self.breaker_window:
                failures.popleft()
            self._last_error[plugin_id] = f"{hook_name}: {exc.__class__.__name__}: {exc}"
            if len(failures) < self.breaker_threshold:
                return
            failures.clear()
            self._open_until[plugin_id] = now + self.breaker_cooldown
        logger.error(
            "Plugin %s failed %d times in %.0f s: switched off for %.0f s",
            plugin_id, self.breaker_threshold, self.breaker_window, self.breaker_cooldown,
        )
        self._publish_failing(plugin_id)

    def _publish_failing(self, plugin_id):
        """Tell other processes (the admin page, the command) this plugin is failing."""
        try:
            from django.core.cache import cache

            cache.set(
                f"storefront:plugin-failing:{plugin_id}",
                {"error": self._last_error.get(plugin_id, ""), "cooldown": self.breaker_cooldown},
                timeout=int(self.breaker_cooldown),
            )
        except Exception:  # the cache being down must not turn a skipped plugin into a 500
            logger.warning("Could not record plugin %s as failing in the cache", plugin_id, exc_info=True)

    def is_tripped(self, plugin_id):
        until = self._open_until.get(plugin_id)
        if until is None:
            return False
        if self.clock() >= until:
            with self._lock:
                self._open_until.pop(plugin_id, None)
            return False
        return True

    def failing(self):
        """``{plugin_id: last error}`` for plugins switched off by the breaker (this process or another)."""
        found = {pid: self._last_error.get(pid, "") for pid in self.plugins if self.is_tripped(pid)}
        try:
            from django.core.cache import cache

            shared = cache.get_many([f"storefront:plugin-failing:{pid}" for pid in self.plugins])
        except Exception:
            shared = {}
        for key, value in shared.items():
            found.setdefault(key.rsplit(":", 1)[1], value.get("error", ""))
        return found

    def reset_breaker(self, plugin_id):
        with self._lock:
            self._open_until.pop(plugin_id, None)
            self._failures.pop(plugin_id, None)
        try:
            from django.core.cache import cache

            cache.delete(f"storefront:plugin-failing:{plugin_id}")
        except Exception:
            logger.warning("Could not clear plugin %s's failing mark in the cache", plugin_id, exc_info=True)


_installed = None
_override = None
_host_lock = threading.Lock()


def build_host():
    """A host loaded with the installed, globally enabled plugins."""
    from django.conf import settings

    from .discovery import installed_plugins

    host = PluginHost(
        breaker_threshold=settings.STOREFRONT_PLUGIN_BREAKER_THRESHOLD,
        breaker_window=settings.STOREFRONT_PLUGIN_BREAKER_WINDOW,
        breaker_cooldown=settings.STOREFRONT_PLUGIN_BREAKER_COOLDOWN,
    )
    host.token = "installed"
    host.load(installed_plugins(settings.STOREFRONT_PLUGINS_DISABLED))
    return host


def installed_host():
    """The host of the installed plugins, built once per process.

    Start-up hooks (URLs, dashboard entries, blocks, periodic tasks) always
    come from this one, even while a test has swapped in its own host: the
    URL map is built once, whenever the first request happens to arrive.
    """
    global _installed
    if _installed is None:
        with _host_lock:
            if _installed is None:
                _installed = build_host()
    return _installed


def get_host():
    """The host that display and event hooks go through (a test's host while it runs)."""
    return _override if _override is not None else installed_host()


def set_host(host):
    """Put ``host`` in place of the installed one for display and event hooks (tests); returns the previous override.

    ``set_host(None)`` goes back to the installed host.
    """
    global _override
    previous, _override = _override, host
    return previous
