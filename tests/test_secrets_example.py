"""The secrets example shows the shape the app reads; the real secrets file stays out of git."""

from __future__ import annotations

import subprocess
import tomllib

from tests.conftest import ROOT

EXAMPLE = ROOT / ".streamlit" / "secrets.toml.example"
# What Streamlit's st.login needs in [auth] (the sign-in page offers single sign-on with it).
SSO_KEYS = {"redirect_uri", "cookie_secret", "client_id", "client_secret", "server_metadata_url"}


def test_the_example_parses_and_has_every_single_sign_on_key() -> None:
    secrets = tomllib.loads(EXAMPLE.read_text(encoding="utf-8"))
    assert set(secrets["auth"]) == SSO_KEYS


def test_git_ignores_the_real_secrets_file_but_not_the_example() -> None:
    def ignored(path: str) -> bool:
        done = subprocess.run(["git", "check-ignore", "-q", path], cwd=ROOT, check=False)
        return done.returncode == 0

    assert ignored(".streamlit/secrets.toml")
    assert not ignored(".streamlit/secrets.toml.example")
