"""The verifier's checks, one module per check in report order, each a pure function."""
