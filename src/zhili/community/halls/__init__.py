"""社区议事厅: halls, topics (also escalated from a complaint cluster), discussion, proposals that go
to a vote once enough residents support them, meetings, decisions and their follow-ups."""
