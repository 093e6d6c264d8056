"""Reading and validating the inputs: recipient files and campaign files (see spec/)."""

from preview.contract.campaigns import Campaign, load_campaign, parse_campaign
from preview.contract.errors import InputError
from preview.contract.recipients import iter_recipients, load_recipients, validate_recipient

__all__ = [
    "Campaign",
    "InputError",
    "iter_recipients",
    "load_campaign",
    "load_recipients",
    "parse_campaign",
    "validate_recipient",
]
