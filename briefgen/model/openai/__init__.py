"""The OpenAI backend, for OpenAI and any OpenAI-compatible server: live.py (chat completions)
and its Batch API jobs. The only package that imports the openai SDK."""
