-- Golden samples (the physical references of a part), their revisions, approvals and
-- reference measurements; photos kept in PostgreSQL and shared by golden samples and
-- inspections; the golden-sample revision each inspection was judged against.

-- Photos, de-duplicated by the SHA-256 of their original bytes. The bytes are stored
-- unchanged: JPEG, PNG and WebP are already compressed, so TOAST compression would cost
-- CPU for nothing (STORAGE EXTERNAL keeps them out of line, uncompressed).
CREATE TABLE photos (
    id                     uuid PRIMARY KEY,
    sha256                 text NOT NULL UNIQUE CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    content_type           text NOT NULL
        CHECK (content_type IN ('image/jpeg', 'image/png', 'image/webp')),
    byte_size              integer NOT NULL CHECK (byte_size > 0),
    width                  integer NOT NULL CHECK (width > 0),
    height                 integer NOT NULL CHECK (height > 0),
    bytes                  bytea NOT NULL,
    thumbnail_content_type text NOT NULL
        CHECK (thumbnail_content_type IN ('image/jpeg', 'image/png', 'image/webp')),
    thumbnail_width        integer NOT NULL CHECK (thumbnail_width > 0),
    thumbnail_height       integer NOT NULL CHECK (thumbnail_height > 0),
    thumbnail              bytea NOT NULL,
    created_at             timestamptz NOT NULL DEFAULT now(),
    CHECK (octet_length(bytes) = byte_size)
);
ALTER TABLE photos ALTER COLUMN bytes SET STORAGE EXTERNAL;
ALTER TABLE photos ALTER COLUMN thumbnail SET STORAGE EXTERNAL;

CREATE TABLE golden_samples (
    id               uuid PRIMARY KEY,
    part_id          uuid NOT NULL REFERENCES parts (id),
    code             text NOT NULL CHECK (length(code) BETWEEN 1 AND 32),
    storage_location text NOT NULL CHECK (length(storage_location) BETWEEN 1 AND 200),
    created_at       timestamptz NOT NULL DEFAULT now(),
    UNIQUE (part_id, code)
);
CREATE INDEX golden_samples_by_part ON golden_samples (part_id, code);

-- The condition log of the physical sample: what it looked like, when, to whom.
CREATE TABLE golden_sample_conditions (
    id               uuid PRIMARY KEY,
    golden_sample_id uuid NOT NULL REFERENCES golden_samples (id),
    noted_by         text NOT NULL CHECK (length(noted_by) BETWEEN 1 AND 100),
    condition        text NOT NULL CHECK (length(condition) BETWEEN 1 AND 2000),
    noted_at         timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX golden_sample_conditions_by_sample
    ON golden_sample_conditions (golden_sample_id, noted_at, id);

-- A revision is approved once; from then on its photos and reference measurements are
-- frozen. [approved_at, approved_until) is the period it was the approved reference,
-- kept after it is superseded or retired so an inspection's reference can be found
-- from its date.
CREATE TABLE golden_sample_revisions (
    id               uuid PRIMARY KEY,
    golden_sample_id uuid NOT NULL REFERENCES golden_samples (id),
    number           integer NOT NULL CHECK (number >= 1),
    revision         text NOT NULL CHECK (revision ~ '^[A-Z]{1,3}$'),
    status           text NOT NULL DEFAULT 'draft'
        CHECK (status IN ('draft', 'approved', 'superseded', 'retired')),
    description      text NOT NULL DEFAULT '',
    revalidation_due date NOT NULL,
    approved_by      text CHECK (length(approved_by) BETWEEN 1 AND 100),
    approved_at      timestamptz,
    approval_comment text,
    approved_until   timestamptz,
    retired_by       text CHECK (length(retired_by) BETWEEN 1 AND 100),
    retired_at       timestamptz,
    retire_reason    text,
    created_at       timestamptz NOT NULL DEFAULT now(),
    UNIQUE (golden_sample_id, number),
    UNIQUE (golden_sample_id, revision),
    CHECK ((approved_at IS NULL) = (approved_by IS NULL)),
    CHECK (status <> 'draft' OR approved_at IS NULL),
    CHECK (status NOT IN ('approved', 'superseded') OR approved_at IS NOT NULL),
    CHECK ((status = 'approved') = (approved_at IS NOT NULL AND approved_until IS NULL)),
    CHECK (approved_until IS NULL OR approved_until >= approved_at),
    CHECK ((status = 'retired') = (retired_at IS NOT NULL)),
    CHECK ((retired_at IS NULL) = (retired_by IS NULL))
);
-- At most one approved revision per golden sample, whatever the application does.
CREATE UNIQUE INDEX golden_sample_revisions_one_approved
    ON golden_sample_revisions (golden_sample_id) WHERE status = 'approved';
CREATE INDEX golden_sample_revisions_approval_history
    ON golden_sample_revisions (golden_sample_id, approved_at) WHERE approved_at IS NOT NULL;

-- The reference value of each variable characteristic, measured on the golden sample.
CREATE TABLE golden_sample_references (
    revision_id       uuid NOT NULL REFERENCES golden_sample_revisions (id),
    characteristic_id uuid NOT NULL REFERENCES characteristics (id),
    value             double precision NOT NULL
        CHECK (value <> 'NaN' AND value <> 'Infinity' AND value <> '-Infinity'),
    measured_by       text NOT NULL CHECK (length(measured_by) BETWEEN 1 AND 100),
    measured_at       timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (revision_id, characteristic_id)
);

-- Photos of a revision from fixed views.
CREATE TABLE golden_sample_photos (
    revision_id uuid NOT NULL REFERENCES golden_sample_revisions (id),
    photo_id    uuid NOT NULL REFERENCES photos (id),
    view        text NOT NULL CHECK (view ~ '^[a-z][a-z0-9_-]{0,31}$'),
    added_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (revision_id, photo_id)
);

-- Defect photos of an attribute result. Photos may be added after the inspection was
-- recorded, but like the inspection they are never changed or removed.
CREATE TABLE attribute_result_photos (
    inspection_id     uuid NOT NULL,
    unit_index        integer NOT NULL,
    characteristic_id uuid NOT NULL,
    photo_id          uuid NOT NULL REFERENCES photos (id),
    added_at          timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (inspection_id, unit_index, characteristic_id, photo_id),
    FOREIGN KEY (inspection_id, unit_index, characteristic_id)
        REFERENCES attribute_results (inspection_id, unit_index, characteristic_id)
);
CREATE TRIGGER attribute_result_photos_append_only BEFORE UPDATE OR DELETE
    ON attribute_result_photos
    FOR EACH ROW EXECUTE FUNCTION refuse_change_of_recorded_inspection();

-- The golden-sample revision an inspection was judged against, set when it is recorded.
ALTER TABLE inspections
    ADD COLUMN golden_sample_revision_id uuid REFERENCES golden_sample_revisions (id);
CREATE INDEX inspections_by_golden_sample_revision
    ON inspections (golden_sample_revision_id) WHERE golden_sample_revision_id IS NOT NULL;
