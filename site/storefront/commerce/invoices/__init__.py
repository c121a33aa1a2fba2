"""Invoices: a PDF invoice for an order, naming each grower and their town.

``render_invoice(order)`` returns the PDF's bytes; ``invoice_number(order)``
is the number printed on it ("INV-<order number>", stable and unique because
the order number is). What goes on the invoice is read from the order in
``content`` (plain data, no PDF); ``pdf`` lays it out with fpdf2 on the
project's PDF base (``document``), which packing slips and statements are
meant to reuse. The buyer's and the staff's download views are in ``views``.
See docs/invoices.md.
"""

from .content import invoice_number
from .pdf import render_invoice

__all__ = ["invoice_number", "render_invoice"]
