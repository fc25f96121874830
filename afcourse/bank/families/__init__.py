"""The item families, one module each; :mod:`afcourse.bank.generate` runs them all."""
