"""The sandbox: what lets heard run with no Telegram account, and nothing the live bot needs.

- `emulator.py`: a small Telegram Bot API server on 127.0.0.1, with simulated people, for the
  end-to-end tests, the benchmarks and the demo.
- `demo.py` (with `demo_answers.yaml`): `heard demo`, the real bot against the emulator, a made-up
  service and a controlled clock, ending with the board report.

Nothing outside this package, `tests/` and `benchmarks/` imports it, except `heard demo` itself.
"""
