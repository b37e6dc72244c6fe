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


#: How the browser tests start the system Chromium (closed network: no background connections).
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--autoplay-policy=no-user-gesture-required"]


@pytest.fixture(scope="module")
def browser():
    """Headless Chromium through Playwright, one per test module."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=os.environ["HUB_CHROMIUM"], args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


@pytest.fixture
def use_registry():
    """``use_registry(registry)`` makes it the process-wide registry (the one the CLI and the API
    default to) for this test, and returns it; the previous one is put back afterwards."""
    from specialist_hub.registry import set_registry

    replaced = []

    def use(registry):
        previous = set_registry(registry)
        if not replaced:
            replaced.append(previous)
        return registry

    yield use
    if replaced:
        set_registry(replaced[0])


@pytest.fixture
def broken_distribution(tmp_path):
    """An installed-looking distribution whose entry point cannot be imported."""
    dist = tmp_path / "broken_hub_plugin-1.0.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: broken-hub-plugin\nVersion: 1.0\n")
    (dist / "entry_points.txt").write_text("[specialist_hub]\nbroken = broken_hub_plugin_module\n")
    (tmp_path / "broken_hub_plugin_module.py").write_text("raise ImportError('this plugin is broken on purpose')\n")
    return tmp_path
