"""A school's copy of a trust policy as a PDF: the version's cover and
version table, the line saying who adopted it when, the school's contacts and
the trust text with the local parts marked "Local to <school>". Tagged like
every PDF (documents.rendering.html_to_pdf)."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from adoptions.copies import SchoolCopy, school_copy
from adoptions.models import Adoption
from adoptions.permissions import can_read_copy
from documents import rendering


def copy_body_html(copy: SchoolCopy) -> str:
    """The composed text as one piece of HTML, each local part in a marked section."""
    local = format_html('<p class="notice"><strong>{}</strong></p>', copy.local_label)
    pieces = []
    if copy.contacts:
        rows = format_html_join("", "<tr><th scope=\"row\">{}</th><td>{} {} {}</td></tr>",
                                ((c.role, c.name, c.email, c.phone) for c in copy.contacts))
        pieces.append(format_html('<section class="local-part">{}<h2>Contacts at {}</h2><table class="grid">'
                                  "<caption>Named contacts</caption><tbody>{}</tbody></table></section>",
                                  local, copy.adoption.school, rows))
    for part in copy.parts:
        if part.local:
            pieces.append(format_html('<section class="local-part">{}<p>{}</p>{}</section>', local, part.note,
                                      part.html))
        else:
            pieces.append(part.html)
    return mark_safe("".join(str(piece) for piece in pieces))  # noqa: S308  (each piece is escaped or sanitised)


def adoption_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    adoption = get_object_or_404(Adoption.objects.select_related("school__trust", "version__policy__organisation",
                                                                 "version__committee", "committee"), pk=pk)
    if not can_read_copy(request.user, adoption):
        raise Http404
    copy = school_copy(adoption)
    context = {**rendering.policy_document(adoption.version).context, "copy": copy,
               "body_html": copy_body_html(copy), "owner_name": str(adoption.school)}
    try:
        data = rendering.html_to_pdf(render_to_string("adoptions/pdf.html", context))
    except rendering.PdfError as error:
        return render(request, "documents/unavailable.html", {"message": str(error)}, status=503)
    response = HttpResponse(data, content_type="application/pdf")
    filename = f"{adoption.policy.slug}-v{adoption.version.label}-{adoption.school.slug}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
