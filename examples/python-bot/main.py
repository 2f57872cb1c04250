"""A tiny bot for the demo: prints a heartbeat with its version."""
import os
import time

VERSION = "1"

if __name__ == "__main__":
    greeting = os.environ.get("GREETING", "hello")
    while True:
        print(f"{greeting} from python-bot v{VERSION}", flush=True)
        time.sleep(60)
