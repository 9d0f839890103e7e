"""The comms hub (通信总控): every registered device's runner, started, polled and stopped
together, for the GUI's comms page (and anything else that runs all links at once).

The hub owns no thread of its own: :meth:`CommsHub.poll` is called by the owner of the store
(the GUI's timer), and each runner's link has its reader thread. A device that cannot be
opened (a protocol without a transport here, a bad address) is reported with its reason and
does not stop the others.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from ..errors import CommandCentreError
from ..storage import Store
from .runner import DeviceRunner, PollResult
from .service import CommsService

log = logging.getLogger(__name__)


@dataclass
class LinkView:
    """One device as the comms page lists it."""

    device: dict
    state: str  # connecting / connected / reconnecting / closed / error
    error: str = ""
    rejects: int = 0


class CommsHub:
    """The runners of the registered devices of one store."""

    def __init__(self, store: Store, **driver_options):
        self.store = store
        self.service = CommsService(store)
        self.driver_options = driver_options
        self.runners: dict[str, DeviceRunner] = {}
        self.errors: dict[str, str] = {}

    def start(self, device_id: str) -> None:
        """Start one device's runner (no-op when running); an open error is kept, not raised."""
        if device_id in self.runners:
            return
        device = self.store.get("comms_device", device_id)
        try:
            runner = DeviceRunner(self.store, device, **self.driver_options)
            runner.start()
        except (CommandCentreError, OSError, ValueError) as err:
            self.errors[device_id] = str(err)
            log.warning("comms: cannot start %s: %s", device["name"], err)
            return
        self.errors.pop(device_id, None)
        self.runners[device_id] = runner

    def start_enabled(self) -> None:
        for device in self.service.devices():
            if device.get("enabled", 1):
                self.start(device["id"])

    def stop(self, device_id: str) -> PollResult | None:
        runner = self.runners.pop(device_id, None)
        return runner.stop() if runner is not None else None

    def stop_all(self) -> None:
        for device_id in list(self.runners):
            self.stop(device_id)

    def poll(self) -> list[PollResult]:
        """Poll every running device once; a failing poll is logged and the others go on."""
        results = []
        for runner in list(self.runners.values()):
            try:
                results.append(runner.poll())
            except CommandCentreError as err:  # e.g. the store is locked by a long backup
                log.warning("comms: poll of %s failed: %s", runner.device["name"], err)
        return results

    def links(self) -> list[LinkView]:
        """Every registered device with its link state."""
        views = []
        for device in self.service.devices():
            runner = self.runners.get(device["id"])
            if runner is not None:
                views.append(LinkView(device, runner.state, rejects=runner.rejects))
            elif device["id"] in self.errors:
                views.append(LinkView(device, "error", self.errors[device["id"]]))
            else:
                views.append(LinkView(device, "closed"))
        return views
