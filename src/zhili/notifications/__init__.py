"""Notifications (SMS, e-mail) behind one interface; the default backend only writes to the log."""
