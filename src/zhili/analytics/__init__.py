"""民生诉求数据库: the Parquet analytical store, its views, 每月一题 and 未诉先办 early warning."""
