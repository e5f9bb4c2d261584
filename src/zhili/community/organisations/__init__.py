"""Social organisations (社会组织) by type, and each street's incubation centre and federation (联合会)."""
