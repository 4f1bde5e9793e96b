"""The investigator page in headless Chromium against a real uvicorn server on loopback."""

from __future__ import annotations

import socket
import threading
import time
from pathlib import Path
from typing import Iterator

import pytest
import uvicorn
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import Select, WebDriverWait

from api.app import create_app
from api.auth import KeyStore
from tests.api.conftest import PERSON, make_settings, seed

ARTIFACTS = Path(__file__).parent / "artifacts"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run", "--window-size=1400,900"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def server(store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[str, str]]:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("KG_BUNDLE_DATA_DIR", str(tmp_path / "bundlekeys"))
    seed(store)
    s = make_settings(tmp_path)
    key = KeyStore(s.data_dir).create("analyst")
    port = _free_port()
    srv = uvicorn.Server(uvicorn.Config(create_app(store, settings=s), host="127.0.0.1", port=port,
                                        log_level="warning", access_log=False))
    t = threading.Thread(target=srv.run, daemon=True)
    t.start()
    for _ in range(200):
        if srv.started:
            break
        time.sleep(0.05)
    assert srv.started
    yield f"http://127.0.0.1:{port}", key
    srv.should_exit = True
    t.join(10)


@pytest.fixture
def driver() -> Iterator[webdriver.Chrome]:
    opts = webdriver.ChromeOptions()
    opts.binary_location = "/usr/bin/chromium"
    for f in FLAGS:
        opts.add_argument(f)
    d = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=opts)
    d.set_page_load_timeout(30)
    yield d
    d.quit()


def test_investigator_flow(server: tuple[str, str], driver: webdriver.Chrome, store) -> None:  # type: ignore[no-untyped-def]
    base, key = server
    wait = WebDriverWait(driver, 30)
    driver.get(base + "/ui/")
    driver.find_element(By.ID, "token").send_keys(key)
    driver.find_element(By.ID, "save-token").click()
    wait.until(lambda d: "已连接" in d.find_element(By.ID, "status").text)
    # search an entity (Chinese text) and open it
    Select(driver.find_element(By.ID, "label")).select_by_value("Person")
    driver.find_element(By.ID, "q").send_keys("三丰")
    driver.find_element(By.ID, "search-btn").click()
    item = wait.until(ec.element_to_be_clickable((By.CSS_SELECTOR, f'#results li[data-uid="{PERSON}"]')))
    item.click()
    wait.until(lambda d: "1 跳" in d.find_element(By.ID, "status").text)
    assert "自然人" in driver.find_element(By.ID, "entity").text
    assert "apitest/people.csv#row=1@test@1" in driver.find_element(By.ID, "provenance").text
    srcdoc = driver.find_element(By.ID, "graph").get_attribute("srcdoc") or ""
    assert "自然人" in srcdoc and "https://" not in srcdoc
    # expand neighbours
    driver.find_element(By.ID, "expand-btn").click()
    wait.until(lambda d: "2 跳" in d.find_element(By.ID, "status").text)
    # run a pattern and open its clue
    Select(driver.find_element(By.ID, "pattern-select")).select_by_value("generic.fan_in")
    params = driver.find_element(By.ID, "params")
    params.clear()
    params.send_keys('{"min_senders": 3, "min_total": 0}')
    driver.find_element(By.ID, "run-btn").click()
    clue = wait.until(ec.element_to_be_clickable((By.CSS_SELECTOR, "#clues li")))
    clue.click()
    wait.until(lambda d: "generic.fan_in" in d.find_element(By.ID, "clue").text)
    wait.until(lambda d: "银行账户" in (d.find_element(By.ID, "graph").get_attribute("srcdoc") or ""))
    time.sleep(1.0)  # let vis-network draw before the screenshot
    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / f"investigator-{store.backend}.png"
    driver.save_screenshot(str(shot))
    assert shot.stat().st_size > 10_000
    # export the clue's evidence bundle
    driver.find_element(By.ID, "bundle-btn").click()
    wait.until(lambda d: "证据包已导出" in d.find_element(By.ID, "status").text)
    # the page never asked for a remote resource
    urls = driver.execute_script("return performance.getEntriesByType('resource').map(e => e.name)")
    assert all(u.startswith(base) or u.startswith("blob:") or u.startswith("about:") for u in urls), urls
