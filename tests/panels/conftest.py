from __future__ import annotations

from panels.hounslow import coordinator, dpo, hounslow, outreach_worker, police_partner

__all__ = ["coordinator", "dpo", "hounslow", "outreach_worker", "police_partner"]
