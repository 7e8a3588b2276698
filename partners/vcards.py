"""vCard 4.0 (RFC 6350) for contacts, written by hand: a few properties, escaped and folded as the RFC says."""
import uuid

CRLF = "\r\n"
FOLD_AT = 75  # octets per line, line break excluded (RFC 6350 §3.2)


def escape(value):
    """Escape a text value: backslash, comma, semicolon and newlines (RFC 6350 §3.4)."""
    value = (value or "").replace("\\", "\\\\").replace(",", "\\,").replace(";", "\\;")
    return value.replace("\r\n", "\\n").replace("\r", "\\n").replace("\n", "\\n")


def fold(line):
    """Split a content line into lines of at most 75 octets, never inside a UTF-8 character."""
    encoded = line.encode("utf-8")
    if len(encoded) <= FOLD_AT:
        return line + CRLF
    parts, current, limit = [], b"", FOLD_AT
    for char in line:
        octets = char.encode("utf-8")
        if len(current) + len(octets) > limit:
            parts.append(current)
            # Continuation lines start with a space, which counts toward their 75 octets.
            current, limit = b"", FOLD_AT - 1
        current += octets
    parts.append(current)
    return CRLF.join((b" " + part if index else part).decode("utf-8") for index, part in enumerate(parts)) + CRLF


def contact_uid(contact):
    """A stable identifier, so an address book updates the card instead of adding a second one."""
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, f'partner-crm/contacts/{contact.pk}')}"


def vcard(contact):
    """One contact as a vCard 4.0 (its organization must be loaded with it)."""
    lines = [
        "BEGIN:VCARD",
        "VERSION:4.0",
        f"UID:{contact_uid(contact)}",
        f"FN:{escape(contact.full_name)}",
        f"N:{escape(contact.last_name)};{escape(contact.first_name)};;;",
        f"ORG:{escape(contact.organization.name)}",
    ]
    if contact.title:
        lines.append(f"TITLE:{escape(contact.title)}")
    if contact.email:
        lines.append(f"EMAIL;TYPE=work:{escape(contact.email)}")
    if contact.phone:
        lines.append(f"TEL;TYPE=work;VALUE=text:{escape(contact.phone)}")
    if contact.notes:
        lines.append(f"NOTE:{escape(contact.notes)}")
    lines.append("END:VCARD")
    return "".join(fold(line) for line in lines)


def vcards(contacts):
    """Cards one by one, for a streaming response: the list is never held in memory whole."""
    for contact in contacts:
        yield vcard(contact)


def vcard_file_name(text):
    """A file name for a download: letters, digits and dashes only."""
    safe = "".join(ch if ch.isalnum() else "-" for ch in text).strip("-")
    return f"{safe or 'contacts'}.vcf"
