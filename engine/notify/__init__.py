"""Notifications: intents raised by commands, an outbox written in the same transaction,
and a dispatcher that sends them later through pluggable senders."""
