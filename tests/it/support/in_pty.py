"""Run a command in a pseudo-terminal, answer its prompt, report what it did.

usage: in_pty.py PROMPT KEYS ARGV...
Waits until PROMPT appears in the output, then types KEYS (Python escapes such
as \\x03 allowed). Prints the terminal output on stdout and exits with the
command's exit code (128 + N when a signal N killed it).
"""
import os
import pty
import select
import sys
import time

prompt = sys.argv[1].encode()
keys = sys.argv[2].encode().decode("unicode_escape").encode("latin1")
argv = sys.argv[3:]

pid, fd = pty.fork()
if pid == 0:
    os.execv(argv[0], argv)

out = b""
sent = False
deadline = time.time() + 30
while time.time() < deadline:
    ready, _, _ = select.select([fd], [], [], 0.1)
    if ready:
        try:
            chunk = os.read(fd, 4096)
        except OSError:
            break
        if not chunk:
            break
        out += chunk
    if not sent and prompt in out:
        time.sleep(0.3)
        os.write(fd, keys)
        sent = True
else:
    os.kill(pid, 9)

_, status = os.waitpid(pid, 0)
sys.stdout.buffer.write(out)
sys.stdout.flush()
if os.WIFSIGNALED(status):
    sys.exit(128 + os.WTERMSIG(status))
sys.exit(os.WEXITSTATUS(status))
