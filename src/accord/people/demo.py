"""Demo step: a subject's fields sealed, found by blind index, then crypto-shredded.

Shows, on the configured case database and keystore, that identifiers are stored only as
ciphertext and keyed digests, and that a copy of the ciphertext taken before an erasure
cannot be read after it. The demo subject is erased at the end, so nothing is left behind.
"""

from __future__ import annotations

from accord.demo import DemoContext
from accord.people import service
from accord.people.crypto import current_crypto
from accord.people.errors import SubjectShredded

# Fictional: a phone number from Ofcom's drama range.
IDENTITY = {
    "name": "Sam Example",
    "date_of_birth": "1988-04-02",
    "phone": "07700 900461",
    "postcode": "SW1A 1AA",
}


def run(ctx: DemoContext) -> list[str]:
    crypto = current_crypto()
    with ctx.session_factory() as session, session.begin():
        subject = service.create_subject(session, register="lvws", organisation="victim-support")
        sealed = service.seal(session, subject_id=subject.id, values=IDENTITY)
        service.index_values(
            session,
            subject_id=subject.id,
            values={
                "name_dob": "Sam Example|02/04/1988",
                "phone": IDENTITY["phone"],
                "postcode": IDENTITY["postcode"],
            },
        )
        subject_id = subject.id
    plaintext_visible = any(v.encode() in sealed for v in IDENTITY.values())
    with ctx.session_factory() as session:
        found = service.find_subjects(
            session, register="lvws", kind="phone", value="+44 (0)7700-900-461"
        )
    backup_copy = bytes(sealed)  # what a case-database backup taken now would hold
    with ctx.session_factory() as session, session.begin():
        service.erase_subject(session, subject_id=subject_id)
    with ctx.session_factory() as session:
        try:
            service.unseal(session, subject_id=subject_id, blob=backup_copy)
            shredded = "still readable (defect)"
        except SubjectShredded:
            shredded = "unreadable (SubjectShredded)"
    counts = crypto.keystore.counts_by_master_key()
    return [
        f"sealed {len(IDENTITY)} identity fields into {len(sealed)} bytes; "
        f"plaintext in the blob: {'yes (defect)' if plaintext_visible else 'none'}",
        f"found by phone written '+44 (0)7700-900-461': {len(found)} subject",
        f"erased; a copy of the ciphertext taken before erasure is {shredded}",
        f"keystore: {sum(counts.values())} data keys under master key(s) {', '.join(counts) or '-'}",
    ]
