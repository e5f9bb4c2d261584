"""The knowledge base (知识库): answers operators give to consultations."""
