"""人民建议征集: citizens' suggestions, 征集 campaigns, review, 成果转化 and the 优秀建议 list."""
