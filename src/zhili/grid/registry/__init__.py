"""The registries of 地 (places), 物 (facilities), 组织 and 人 (counts; opt-in person records)."""
