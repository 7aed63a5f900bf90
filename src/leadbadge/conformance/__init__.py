"""Data-model checks for any credential document: VC 1.1 / 2.0 rules and the OB 3.0 shape."""
