"""What briefgen knows about language, written once: dates as written."""
