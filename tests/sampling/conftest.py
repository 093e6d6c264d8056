"""Real data for the sampling tests: the seeded demo audience and the example campaigns."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from preview.contract import load_campaign
from preview.rendering import CampaignRenderer

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = ROOT / "templates"


def load_demo():
    """fixtures/demo_audience.py, loaded by path as ``preview demo`` loads it."""
    spec = importlib.util.spec_from_file_location("demo_audience_for_sampling", ROOT / "fixtures" / "demo_audience.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


demo = load_demo()


@pytest.fixture(scope="session")
def audience() -> list[dict]:
    """3,000 demo recipients (seed 7): every hard case of fixtures/README.md is in there."""
    return demo.generate(3000, 7)


def renderer_for(name: str) -> CampaignRenderer:
    """A renderer of the example campaign ``templates/<name>``."""
    return CampaignRenderer(load_campaign(TEMPLATES / name))


def ids(records) -> list[str]:
    return [r["id"] for r in records]
