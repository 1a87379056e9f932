"""Talking to models: the narrow interface every stage above uses (client.py), structured output
and its ladder of modes, retries, run limits, recording and replay; backends in their own
subpackages (openai/).

The interface's types are exported here for a library caller's own client:
`from briefgen.model import CallStats, Client, Completion, Message`.
"""

from briefgen.model.client import CallStats, Client, Completion, Message

__all__ = ["CallStats", "Client", "Completion", "Message"]
