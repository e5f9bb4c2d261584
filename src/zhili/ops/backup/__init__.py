"""``zhili backup`` and ``zhili restore``: the database, the analytics store and the attachments in
one tar archive with a manifest. Never the data key."""
