"""The invoice's layout: an A4 PDF of an order's lines grouped by grower, with totals and payment.

Page one has the storefront's name, the invoice's numbers and dates, the
buyer and the addresses; then a table with a heading per grower ("Railway
Arches Farm, London"), their lines and their subtotal; then the totals and
the payment. Long titles wrap inside their column. A row never splits across
pages: when one does not fit, a new page starts with the table's header
again and, inside a grower's lines, the grower's heading marked "continued".
"""

from babel.numbers import get_currency_name
from django.utils.translation import get_language, to_locale
from oscar.templatetags.currency_filters import currency

from .content import invoice_from_order, long_date
from .document import BRAND, BRAND_LIGHT, INK, MUTED, RULE, StorefrontPDF, printable

# Table columns: (heading, width in mm, alignment). The widths add up to the
# 178 mm between the margins.
COLUMNS = [
    ("Item", 80, "L"),
    ("SKU", 38, "L"),
    ("Qty", 14, "R"),
    ("Unit price", 23, "R"),
    ("Total", 23, "R"),
]
LINE_HEIGHT = 4.4  # mm per line of 9.5 pt text
PAD_X, PAD_Y = 1.6, 1.7
FOOTER_SPACE = 20  # mm kept free at the bottom for the footer


def render_invoice(order):
    """The invoice of `order` as PDF bytes (A4, one or more pages)."""
    return InvoicePDF(invoice_from_order(order)).render()


def money(amount, code):
    return currency(amount, code)


class InvoicePDF(StorefrontPDF):
    def __init__(self, invoice):
        super().__init__(
            title=f"Invoice {invoice.number}", author=invoice.site_name, created=invoice.invoice_date
        )
        self.invoice = invoice
        self.set_auto_page_break(False, margin=FOOTER_SPACE)
        self.page_break_trigger = self.h - FOOTER_SPACE

    # Page furniture

    def footer(self):
        self.set_y(-13)
        self.set_draw_color(*RULE)
        self.line(self.l_margin, self.get_y() - 2, self.w - self.r_margin, self.get_y() - 2)
        self.use(8, colour=MUTED)
        self.cell(self.content_width / 2, 4, printable(f"{self.invoice.site_name} · Invoice {self.invoice.number}"))
        self.cell(self.content_width / 2, 4, f"Page {self.page_no()} of {{nb}}", align="R")

    def continuation_header(self):
        self.use(9, colour=MUTED)
        self.set_xy(self.l_margin, self.t_margin)
        self.cell(
            self.content_width,
            5,
            printable(f"{self.invoice.site_name} · Invoice {self.invoice.number} (continued)"),
        )
        self.set_y(self.t_margin + 9)

    def new_page(self, *, table=True, group=None):
        self.add_page()
        self.continuation_header()
        if table:
            self.table_header()
        if group is not None:
            self.group_heading(group, continued=True)

    def fits(self, height):
        return self.get_y() + height <= self.page_break_trigger

    # Page one

    def render(self):
        self.add_page()
        self.masthead()
        self.parties()
        self.table_header()
        for group in self.invoice.groups:
            self.grower(group)
        self.totals()
        return bytes(self.output())

    def masthead(self):
        inv = self.invoice
        top = self.t_margin
        self.set_xy(self.l_margin, top)
        name_width = self.content_width * 0.65
        size = 20
        self.use(size, "B", BRAND)
        while size > 12 and self.get_string_width(printable(inv.site_name)) > name_width:  # a long name, smaller
            size -= 1
            self.use(size, "B", BRAND)
        self.cell(name_width, 10, self.shorten(printable(inv.site_name), name_width))
        self.use(20, "B", MUTED)
        self.cell(self.content_width * 0.35, 10, "Invoice", align="R")
        self.set_draw_color(*BRAND)
        self.set_line_width(0.6)
        self.line(self.l_margin, top + 13, self.w - self.r_margin, top + 13)
        self.set_line_width(0.2)
        self.set_y(top + 19)

    def parties(self):
        inv = self.invoice
        top = self.get_y()
        column = 56
        billed = [inv.buyer_name, inv.buyer_email]
        # The address's first field is the name, already printed above it.
        billing = inv.billing_address[1:] if inv.billing_address[:1] == [inv.buyer_name] else inv.billing_address
        bottoms = [
            self.block(self.l_margin, top, column, "Billed to", billed + billing, bold_first=True),
            self.block(
                self.l_margin + column + 4,
                top,
                column,
                "Delivery",
                (inv.shipping_address or ["No delivery address"])
                + ([f"Method: {inv.shipping_method}"] if inv.shipping_method else []),
                bold_first=bool(inv.shipping_address),
            ),
            self.facts(self.l_margin + 2 * (column + 4), top, self.content_width - 2 * (column + 4)),
        ]
        self.set_y(max(bottoms) + 9)

    def block(self, x, y, width, label, lines, *, bold_first=False):
        self.set_xy(x, y)
        self.use(8, "B", MUTED)
        self.cell(width, 5, label.upper())
        y += 6
        for index, text in enumerate(line for line in lines if line):
            self.set_xy(x, y)
            self.use(10 if index == 0 and bold_first else 9.5, "B" if index == 0 and bold_first else "")
            self.multi_cell(width, 4.6, printable(text), align="L")
            y = self.get_y()
        return y

    def facts(self, x, y, width):
        inv = self.invoice
        rows = [
            ("Invoice number", inv.number),
            ("Invoice date", long_date(inv.invoice_date)),
            ("Order number", inv.order_number),
            ("Order date", f"{long_date(inv.order_date)}, {inv.order_date:%H:%M}"),
        ]
        for label, value in rows:
            self.set_xy(x, y)
            self.use(8, "B", MUTED)
            self.cell(width, 4, label.upper(), align="R")
            self.set_xy(x, y + 4)
            self.use(10, "B" if label == "Invoice number" else "")
            self.cell(width, 5, printable(value), align="R")
            y += 10.5
        return y

    # The lines

    def table_header(self):
        y = self.get_y()
        x = self.l_margin
        self.use(8, "B", MUTED)
        for heading, width, align in COLUMNS:
            self.set_xy(x + PAD_X, y)
            self.cell(width - 2 * PAD_X, 6, heading.upper(), align=align)
            x += width
        self.set_draw_color(*INK)
        self.set_line_width(0.3)
        self.line(self.l_margin, y + 6.5, self.w - self.r_margin, y + 6.5)
        self.set_line_width(0.2)
        self.set_y(y + 7.5)

    def group_heading_lines(self, group, *, continued=False):
        self.use(10.5, "B", BRAND)
        text = printable(group.heading + (" (continued)" if continued else ""))
        return self.wrap(text, self.content_width - 2 * PAD_X)

    @staticmethod
    def group_heading_height(lines):
        return 7.5 + (len(lines) - 1) * 5

    def group_heading(self, group, *, continued=False):
        lines = self.group_heading_lines(group, continued=continued)
        height = self.group_heading_height(lines)
        y = self.get_y()
        self.set_fill_color(*BRAND_LIGHT)
        self.rect(self.l_margin, y, self.content_width, height, style="F")
        for number, text in enumerate(lines):
            self.set_xy(self.l_margin + PAD_X, y + 0.2 + number * 5)
            self.cell(self.content_width - 2 * PAD_X, 7, text)
        self.set_y(y + height + 0.5)

    def row_cells(self, line):
        code = self.invoice.currency
        return [
            printable(line.title),
            printable(line.sku),
            str(line.quantity),
            money(line.unit_price, code),
            money(line.line_total, code),
        ]

    def row_lines(self, cells):
        """Each cell's text broken into the lines that fit its column."""
        self.use(9.5)
        return [
            self.wrap(text, width - 2 * PAD_X, anywhere=(index == 1))  # a SKU is one long word
            for index, ((_, width, _), text) in enumerate(zip(COLUMNS, cells))
        ]

    @staticmethod
    def row_height(lines):
        return max(len(cell) for cell in lines) * LINE_HEIGHT + 2 * PAD_Y

    def draw_row(self, lines, height):
        y = self.get_y()
        x = self.l_margin
        for index, ((_, width, align), cell_lines) in enumerate(zip(COLUMNS, lines)):
            self.use(9.5, colour=MUTED if index == 1 else INK)
            for number, text in enumerate(cell_lines):
                self.set_xy(x + PAD_X, y + PAD_Y + number * LINE_HEIGHT)
                self.cell(width - 2 * PAD_X, LINE_HEIGHT, text, align=align)
            x += width
        self.set_draw_color(*RULE)
        self.line(self.l_margin, y + height, self.w - self.r_margin, y + height)
        self.set_y(y + height)

    def grower(self, group):
        rows = [(lines, self.row_height(lines)) for lines in map(self.row_lines, map(self.row_cells, group.lines))]
        subtotal_height = 8
        first = rows[0][1] if rows else 0
        # Keep the heading with at least its first line.
        if not self.fits(self.group_heading_height(self.group_heading_lines(group)) + 0.5 + first):
            self.new_page()
        self.group_heading(group)
        for cells, height in rows:
            if not self.fits(height):
                self.new_page(group=group)
            self.draw_row(cells, height)
        if not self.fits(subtotal_height):
            self.new_page(group=group)
        y = self.get_y()
        label_width = sum(width for _, width, _ in COLUMNS[:-1])
        self.set_xy(self.l_margin, y + 1)
        self.use(9.5, "B")
        label = self.shorten(printable(f"Subtotal, {group.name}"), label_width - 2 * PAD_X)
        self.cell(label_width - PAD_X, 6, label, align="R")
        self.cell(COLUMNS[-1][1] - PAD_X, 6, money(group.subtotal, self.invoice.currency), align="R")
        self.set_y(y + subtotal_height + 3)

    # Totals and payment

    def totals(self):
        inv = self.invoice
        code = inv.currency
        rows = [("Items", money(sum((g.subtotal for g in inv.groups), 0), code), "")]
        rows += [(f"Discount: {label}", f"−{money(amount, code)}", "") for label, amount in inv.discounts]
        rows.append((f"Shipping ({inv.shipping_method})" if inv.shipping_method else "Shipping", money(inv.shipping, code), ""))
        rows += [(label, money(amount, code), "") for label, amount in inv.surcharges]
        rows += [
            ("Total excl. tax", money(inv.total_excl_tax, code), "rule"),
            ("Tax", money(inv.tax, code), ""),
            (f"Total ({code})", money(inv.total_incl_tax, code), "total"),
        ]
        height = 6 * len(rows) + 8 + 24
        if not self.fits(height):
            self.new_page(table=False)
        top = self.get_y() + 2
        width = 92
        x = self.w - self.r_margin - width
        y = top
        for label, value, kind in rows:
            if kind in ("rule", "total"):
                self.set_draw_color(*(INK if kind == "total" else RULE))
                self.set_line_width(0.4 if kind == "total" else 0.2)
                self.line(x, y + 0.5, x + width, y + 0.5)
                self.set_line_width(0.2)
                y += 1.5
            size, style = (12, "B") if kind == "total" else (9.5, "")
            row_height = 8 if kind == "total" else 6
            self.set_xy(x, y)
            self.use(size, style)
            self.cell(width - 32, row_height, self.shorten(printable(label), width - 34), align="R")
            self.cell(32 - PAD_X, row_height, value, align="R")
            y += row_height
        self.payment(self.l_margin, top, self.content_width - width - 8)
        self.set_y(y)

    def payment(self, x, y, width):
        inv = self.invoice
        self.set_xy(x, y)
        self.use(8, "B", MUTED)
        self.cell(width, 5, "PAYMENT")
        self.set_xy(x, y + 6)
        self.use(10, "B")
        self.multi_cell(width, 5, printable(inv.payment), align="L")
        if inv.refunded:
            self.set_x(x)
            self.use(9.5)
            self.multi_cell(width, 5, f"Refunded so far: {money(inv.refunded, inv.currency)}", align="L")
        self.set_x(x)
        self.use(9, colour=MUTED)
        name = get_currency_name(inv.currency, count=2, locale=to_locale(get_language() or "en-gb"))
        self.multi_cell(width, 4.6, printable(f"All amounts are in {name} ({inv.currency})."), align="L")
