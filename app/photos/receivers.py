"""Photos react to the domains below them: the member's service form posts its photos."""
from app.photos.services import add_uploads
from app.service.signals import uploads_posted


@uploads_posted.connect
def _store_posted_uploads(_sender, *, member, owner_type, owner_id, uploads, **_kw):
    add_uploads(member, owner_type, owner_id, uploads)
