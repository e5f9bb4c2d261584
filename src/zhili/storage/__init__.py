"""Files that users send (photos of a demand, scans): checked on arrival, kept by content hash."""
