from app.certificates.models import Certificate
from app.demo import evidence, service
from app.photos.models import Photo, StoredBlob
from tests.conftest import count


def test_demo_evidence_puts_photos_on_waiting_records_once(world, client):
    service.seed({})
    lines = evidence.seed({})
    assert lines and count(Photo) > 0 and count(StoredBlob) == 2 * count(Photo)
    assert count(Certificate) == 1
    code = lines[-1].rsplit("/certificates/", 1)[1]
    assert client.get(f"/certificates/{code}").status_code == 200
    photos = count(Photo)
    assert evidence.seed({}) == [] and count(Photo) == photos and count(Certificate) == 1
