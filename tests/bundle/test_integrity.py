"""Tampering with a bundle is detected and the problem names the file; signing keys."""

from __future__ import annotations

import base64
import json
import os
import stat
import zipfile
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from pydantic import SecretStr

from kg.bundle import (
    SIGNATURE,
    BundleError,
    BundleSettings,
    ExportPolicy,
    _dumps,
    export_entities,
    fingerprint,
    public_key_pem,
    sha256_bytes,
    signing_key,
    verify_bundle,
)
from kg.settings import get_settings
from kg.store import GraphStore
from tests.bundle.conftest import CREATED, HUB


def read(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as zf:
        return {i.filename: zf.read(i) for i in zf.infolist()}


def write(path: Path, files: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in files.items():
            zf.writestr(name, data)
    return path


@pytest.fixture
def bundle(graph: GraphStore, tmp_path: Path, key: Ed25519PrivateKey, bsettings: BundleSettings) -> Path:
    res = export_entities(graph, tmp_path / "b.zip", [HUB, "web:fake-cert.example"], depth=2, key=key,
                          settings=bsettings, created_at=CREATED)
    assert verify_bundle(res.path, key.public_key()).ok
    return res.path


def test_flip_one_byte_in_each_file(bundle: Path, tmp_path: Path, key: Ed25519PrivateKey) -> None:
    files = read(bundle)
    assert len(files) >= 12
    for name, data in files.items():
        for pos in (0, len(data) // 2, len(data) - 1):
            changed = bytearray(data)
            changed[pos] ^= 0x01
            bad = write(tmp_path / "t.zip", {**files, name: bytes(changed)})
            for trusted in (None, key.public_key()):
                rep = verify_bundle(bad, trusted)
                assert not rep.ok, (name, pos)
                assert name in rep.files(), (name, pos, rep.as_dict())


def test_missing_and_extra_files(bundle: Path, tmp_path: Path) -> None:
    files = read(bundle)
    for name in files:
        rep = verify_bundle(write(tmp_path / "m.zip", {k: v for k, v in files.items() if k != name}))
        assert not rep.ok and name in rep.files(), name
        assert any(p.kind == "missing" for p in rep.problems if p.file == name)
    rep = verify_bundle(write(tmp_path / "x.zip", {**files, "sources/extra.csv": b"a|b\n"}))
    assert [(p.file, p.kind) for p in rep.problems] == [("sources/extra.csv", "extra")]
    # the same name twice (a second copy shadowing the first)
    with zipfile.ZipFile(tmp_path / "d.zip", "w") as zf:
        for k, v in files.items():
            zf.writestr(k, v)
        with pytest.warns(UserWarning):
            zf.writestr("graph.json", b"{}")
    rep = verify_bundle(tmp_path / "d.zip")
    assert not rep.ok and "graph.json" in rep.files()


def test_wrong_signature(bundle: Path, tmp_path: Path, key: Ed25519PrivateKey) -> None:
    files = read(bundle)
    other = Ed25519PrivateKey.generate()
    mbytes = files["manifest.json"]
    # a signature made with another key
    sig = json.loads(files[SIGNATURE])
    sig["signature"] = base64.b64encode(other.sign(mbytes)).decode()
    rep = verify_bundle(write(tmp_path / "s.zip", {**files, SIGNATURE: _dumps(sig)}))
    assert [(p.file, p.kind) for p in rep.problems] == [(SIGNATURE, "bad_signature")]
    # the signature of another bundle (a swapped signature file)
    rep = verify_bundle(write(tmp_path / "s2.zip", {**files, SIGNATURE: _dumps(
        {**sig, "signature": base64.b64encode(key.sign(b"another manifest")).decode()})}))
    assert SIGNATURE in rep.files() and not rep.ok
    # re-signed by someone else who also swapped the public key in the manifest: only a trusted
    # key reveals it
    m = json.loads(mbytes)
    m["signature"] = {**m["signature"], "public_key_pem": public_key_pem(other),
                      "fingerprint": fingerprint(other.public_key())}
    m["counts"]["nodes"] += 1
    m2 = _dumps(m)
    forged = {**files, "manifest.json": m2, SIGNATURE: _dumps({
        **sig, "manifest_sha256": sha256_bytes(m2), "fingerprint": fingerprint(other.public_key()),
        "signature": base64.b64encode(other.sign(m2)).decode()})}
    path = write(tmp_path / "f.zip", forged)
    assert verify_bundle(path).ok  # self-consistent: integrity holds, authorship unproven
    rep = verify_bundle(path, key.public_key())
    assert not rep.ok and "manifest.json" in rep.files()
    assert any(p.kind == "untrusted_key" for p in rep.problems)
    # a public key file works as the trusted key too
    pem = tmp_path / "pub.pem"
    pem.write_text(public_key_pem(key))
    assert verify_bundle(bundle, pem).ok and not verify_bundle(path, pem).ok


def test_corrupt_archive_bytes(bundle: Path, tmp_path: Path) -> None:
    data = bytearray(bundle.read_bytes())
    with zipfile.ZipFile(bundle) as zf:
        info = zf.getinfo("graph.json")
    # flip a byte inside graph.json's compressed data (after its 30-byte local header + name)
    at = info.header_offset + 30 + len(info.filename) + 10
    data[at] ^= 0xFF
    bad = tmp_path / "c.zip"
    bad.write_bytes(bytes(data))
    rep = verify_bundle(bad)
    assert not rep.ok and "graph.json" in rep.files()
    rep = verify_bundle(tmp_path / "nothing.zip") if (tmp_path / "nothing.zip").write_bytes(b"PK") else None
    assert rep is not None and not rep.ok


def test_dev_key_generated_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    s = BundleSettings(data_dir=tmp_path / "d")
    key1, path, generated = signing_key(s)
    assert generated and path.exists() and stat.S_IMODE(os.stat(path).st_mode) == 0o600
    key2, path2, generated2 = signing_key(s)
    assert not generated2 and path2 == path and fingerprint(key1.public_key()) == fingerprint(key2.public_key())
    # an explicit key from settings (KG_BUNDLE_SIGNING_KEY)
    monkeypatch.setenv("KG_BUNDLE_SIGNING_KEY", str(path))
    monkeypatch.setenv("KG_BUNDLE_DATA_DIR", str(tmp_path / "elsewhere"))
    key3, path3, gen3 = signing_key(BundleSettings())
    assert path3 == path and not gen3 and fingerprint(key3.public_key()) == fingerprint(key1.public_key())
    monkeypatch.setenv("KG_BUNDLE_SIGNING_KEY", str(tmp_path / "missing.pem"))
    with pytest.raises(BundleError, match="missing"):
        signing_key(BundleSettings())
    # outside dev: no generated key, no default salt
    monkeypatch.delenv("KG_BUNDLE_SIGNING_KEY")
    monkeypatch.setenv("KG_ENV", "prod")
    monkeypatch.setenv("KG_NEO4J_PASSWORD", "not-the-dev-one")
    get_settings.cache_clear()
    try:
        with pytest.raises(BundleError, match="signing key"):
            signing_key(BundleSettings(data_dir=tmp_path / "prod", pii_salt=SecretStr("s")))
        from kg.bundle import bundle_settings
        with pytest.raises(BundleError, match="SALT"):
            bundle_settings()
    finally:
        monkeypatch.undo()
        get_settings.cache_clear()


def test_export_uses_settings_key(graph: GraphStore, tmp_path: Path) -> None:
    s = BundleSettings(data_dir=tmp_path / "keys", pii_salt=SecretStr("x"))
    res = export_entities(graph, tmp_path / "a.zip", [HUB], settings=s, created_at=CREATED,
                          policy=ExportPolicy(role="admin"))
    assert res.key_generated and res.key_path == tmp_path / "keys" / "bundle-signing-key.pem"
    key, _, _ = signing_key(s)
    assert res.manifest["signature"]["fingerprint"] == fingerprint(key.public_key())
    assert verify_bundle(res.path, res.key_path).ok
