import os
import shutil
import subprocess

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

#: Debian's package for the playground's browser test (Playwright never downloads a browser here).
CHROMIUM_INSTALL = "apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium"


def pytest_collection_modifyitems(config, items):
    """The README's test command sets up everything: when a browser test is selected and Chromium is
    missing, install it through the system package manager if this user may, else stop at once with
    the one command to run."""
    if any(item.get_closest_marker("browser") for item in items):
        os.environ["HUB_CHROMIUM"] = find_or_install_chromium()


def find_or_install_chromium() -> str:
    found = os.environ.get("HUB_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    if found:
        return found
    if shutil.which("apt-get") is None:
        pytest.exit("The playground's browser test needs Chromium and this system has no apt-get: install "
                    "Chromium and set HUB_CHROMIUM=/path/to/chromium.", returncode=pytest.ExitCode.USAGE_ERROR)
    prefix = "" if os.geteuid() == 0 else "sudo -n "
    if prefix and subprocess.run(["sudo", "-n", "true"], capture_output=True).returncode != 0:
        pytest.exit(f"The playground's browser test needs Chromium. Run: sudo sh -c '{CHROMIUM_INSTALL}'",
                    returncode=pytest.ExitCode.USAGE_ERROR)
    print(f"\nInstalling Chromium for the playground's browser test: {prefix}{CHROMIUM_INSTALL}", flush=True)
    result = subprocess.run(f"{prefix}sh -c '{CHROMIUM_INSTALL}'", shell=True, capture_output=True, text=True)
    found = shutil.which("chromium")
    if result.returncode != 0 or not found:
        pytest.exit(f"Installing Chromium failed ({result.stderr.strip()[-300:]}). Run: sudo sh -c "
                    f"'{CHROMIUM_INSTALL}'", returncode=pytest.ExitCode.USAGE_ERROR)
    return found
