"""矛盾纠纷多元化解: disputes, 分流, the committee and mediator registry, sessions, agreements."""
