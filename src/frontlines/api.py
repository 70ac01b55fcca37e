"""The HTTP API and the web app: `frontlines serve` runs `create_app(workspace)` under uvicorn.

Reads are open; the one write (`POST /api/documents`, ingest one report)
needs a bearer token made by `frontlines token create`. Only a SHA-256
digest of each token is stored (see `store.api_tokens`).

Every route is a thin shell over a library function (`timeline_store`'s
`control`, `changes`, `explain`, `summary`, `statement_records`; `store.query_events`;
`ingest.ingest` with the same extraction hook as the command line). Bad
requests get a 4xx with a JSON body `{"error": …, "status": …}`, never a 500:
an unknown place or document is 404, a bad date or level 400, a page past
the end 404, a body over the size cap 413, a missing or wrong token 401.

Before answering, a read brings the cached timeline up to date if the store
changed behind its back (another process ingested reports), under a lock, so
concurrent requests never rebuild it twice.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import math
import secrets
import tempfile
import threading
from collections.abc import Awaitable, Callable, Iterator, MutableMapping
from datetime import date
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import Depends, FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.gzip import GZipMiddleware
from fastapi.responses import FileResponse, JSONResponse, Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

from .export import ExportError, control_frame, latest_event_day, write_control
from .models import DOCUMENT_ID_PATTERN, EVENT_KINDS
from .outputs.frontline import frontline
from .outputs.map_shapes import MapPrepared, UnitGeometry, prepare_map
from .pipeline import ExtractionChoiceError, StoreExtraction
from .places.gazetteer import AmbiguousName
from .places.workspace import PlaceHit, resolve_place, search_places
from .render import RenderError, actor_colors, daily_state_counts, render_map, state_style
from .serving import AdmissionLimit, ResponseCache, VersionProbe
from .store import (
    Connection,
    EventFilterError,
    Workspace,
    count_documents,
    count_events,
    document_ingested_at,
    get_document,
    query_events,
    validate_event_filters,
)
from .store.queries import PlaceRow, document_urls, place_row_of
from .store.queries import list_places as stored_places
from .store.trail import read_trail
from .timeline import (
    BASELINE_REF,
    CONTESTED,
    STATUSES,
    UNKNOWN,
    TimelineError,
    UnknownPlace,
    interval_on,
    profile_settings,
)
from .timeline_store import (
    LEVEL_NAMES,
    changes,
    check_level,
    control,
    data_version,
    ensure_timeline,
    event_details,
    explain,
    parse_day,
    pin_state,
    recompute_documents,
    reject_event,
    restore_event,
    statement_records,
    summary,
    timeline_is_fresh,
    unit_level,
    unit_places,
    unit_word,
)
from .tokens import TokenHolder, token_holder

log = logging.getLogger("frontlines.api")

WEB_DIR = Path(__file__).parent / "web"
VENDOR_DIR = WEB_DIR / "vendor"
DEFAULT_MAX_BODY_BYTES = 2 * 1024 * 1024
MAX_ACTIVE_REQUESTS = 4
"""API requests running at once (the rest queue, see `serving.AdmissionLimit`): on a few
cores more would only take turns for the interpreter, and each holds database connections."""
MAX_QUEUED_REQUESTS = 1000
MAX_QUEUE_SECONDS = 15.0
MAX_PAGE_SIZE = 500

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'")
"""Defence in depth: the web app renders report text as text, and even if a bug let
markup through, no inline script or event handler could run under this policy."""


class ApiError(Exception):
    """An error with an HTTP status, turned into the JSON error body."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


# --- response models ---------------------------------------------------------------------


class ErrorOut(BaseModel):
    error: str
    status: int
    detail: list[dict[str, Any]] | None = None


class ActorOut(BaseModel):
    id: str
    name: str
    color: str
    government: bool


class StateStyleOut(BaseModel):
    key: str
    label: str
    color: str
    hatch: str | None
    edge: str


class MetaOut(BaseModel):
    name: str
    title: str
    country: str
    start: str
    latest: str
    level: int
    levels: list[int]
    unit_word: str
    level_words: list[str] = Field(description="The profile's (plural) word for the units of "
                                               "each level in `levels`: oblasts, raions, hromadas")
    level_nouns: list[str] = Field(description="The same words in the singular: oblast, raion, "
                                               "hromada")
    actors: list[ActorOut]
    styles: list[StateStyleOut]
    contested_days: int = Field(description="How long fighting keeps a unit contested")
    documents: int
    events: int


class PlaceOut(BaseModel):
    id: str
    name: str
    level: str
    parent_id: str | None
    admin1: str | None
    admin2: str | None
    lat: float | None
    lon: float | None


class ParentOut(BaseModel):
    id: str
    name: str
    level: str


class PlaceHitOut(PlaceOut):
    """A place found by name (`/api/places?q=`), with its parents, nearest first."""

    parents: list[ParentOut]
    match: str = Field(description="exact, prefix (the name begins with the query) or fuzzy")
    score: float


class EventOut(BaseModel):
    id: str | None
    kind: str
    actor: str
    opponent: str | None
    place_id: str
    place_name: str
    admin1: str | None
    admin2: str | None
    admin3: str | None
    geo_precision: int
    date: str | None
    date_precision: str
    date_basis: str
    source: str | None
    source_side: str
    certainty: str
    negated: bool
    extractor: str
    explanation: str | None
    probability: float = Field(description="How likely the sentence states this event (0-1).")
    model: str | None = Field(description="Version of the decision model that judged it.")
    document: str
    sentence: str
    start: int
    end: int


class EventPage(BaseModel):
    items: list[EventOut]
    page: int
    page_size: int
    total: int
    pages: int


class ControlRowOut(BaseModel):
    place_id: str
    place_name: str
    admin1: str | None
    state: str
    status: str
    since: str
    confidence: float
    evidence: list[str]
    rule: str | None = Field(None, description="The inference rule behind an inferred state")


class ControlOut(BaseModel):
    date: str
    level: int
    unit_word: str
    units: list[ControlRowOut]


class EvidenceOut(BaseModel):
    """One report sentence behind a state, with what a reader needs to judge it."""

    event_id: str
    kind: str
    actor: str
    date: str | None
    certainty: str
    negated: bool
    source: str | None
    source_side: str
    place_name: str
    probability: float
    sentence: str
    document_id: str
    outlet: str | None
    published: str | None
    title: str | None
    url: str | None


class ChangeOut(BaseModel):
    place_id: str
    place_name: str
    from_: str = Field(alias="from")
    to: str
    status: str
    date: str
    confidence: float
    events: list[str]
    evidence: list[EvidenceOut]

    model_config = {"populate_by_name": True}


class BaselineOut(BaseModel):
    """A row of an imported baseline file: the evidence of a `baseline` state."""

    ref: str = Field(description="How the interval's evidence cites it: baseline:IMPORT#ROW")
    file: str
    row: int
    state: str
    as_of: str
    source: str


class IntervalOut(BaseModel):
    state: str
    status: str = Field(description="baseline, assessed, claimed or inferred")
    start: str
    end: str | None
    since: str
    confidence: float
    holder: str
    reason: str
    rule: str | None = Field(None, description="The inference rule behind an inferred state")
    evidence: list[EvidenceOut]
    baseline: list[BaselineOut] = Field(default_factory=list,
                                        description="The baseline file rows behind it")


class TrailOut(BaseModel):
    """One act in the audit trail of the analyst's decisions."""

    id: int
    decision_id: int | None
    action: str = Field(description="reject, restore, pin or remove")
    who: str = Field(description="The token's name, or cli:USER for the command line")
    at: str
    event_id: str | None
    unit_id: str | None
    state: str | None
    start: str | None
    end: str | None
    why: str
    before: dict[str, str] = Field(description="unit id → its state on the day, just before")
    after: dict[str, str] = Field(description="unit id → its state on the day, just after")


class RejectedOut(BaseModel):
    """An event an analyst rejected: the timeline ignores it until it is restored."""

    decision_id: int
    event_id: str
    why: str
    evidence: EvidenceOut | None


class PinOut(BaseModel):
    decision_id: int
    unit_id: str
    state: str
    start: str
    end: str | None
    why: str


class RejectIn(BaseModel):
    reason: str = Field(min_length=1, max_length=2000, description="Why the event is wrong")


class RestoreIn(BaseModel):
    reason: str = Field("", max_length=2000)


class PinIn(BaseModel):
    state: str = Field(min_length=1, description="An actor id, 'contested' or 'unknown'")
    start: str = Field(description="First day, YYYY-MM-DD")
    end: str | None = Field(None, description="Last day, YYYY-MM-DD; none: open")
    note: str = Field(min_length=1, max_length=2000, description="Why")


class WhoAmIOut(BaseModel):
    name: str
    role: str
    may_review: bool


class TimelineOut(BaseModel):
    place: PlaceOut
    unit_id: str
    note: str
    date: str | None
    current: IntervalOut | None
    intervals: list[IntervalOut]
    rejected: list[RejectedOut] = Field(default_factory=list)
    pins: list[PinOut] = Field(default_factory=list)
    trail: list[TrailOut] = Field(default_factory=list, description="The decisions' audit trail")


class StatementOut(BaseModel):
    """A claim about a whole area that names no unit: shown beside the map, never on it."""

    id: str | None
    text: str = Field(description="e.g. 'Taliban: 10 of 28 districts in Badakhshan'")
    actor: str | None
    area_id: str | None = Field(description="The area's place id; null: the whole country")
    area_name: str | None
    count: int | None
    total: int | None
    percent: float | None
    unit_word: str | None
    date: str | None
    date_basis: str
    source: str | None
    source_side: str
    certainty: str
    extractor: str
    probability: float
    document: str
    sentence: str
    start: int
    end: int
    outlet: str | None
    published: str | None
    title: str | None
    url: str | None


class SummaryStateOut(BaseModel):
    state: str
    status: str
    count: int


class SummaryOut(BaseModel):
    date: str
    level: int
    units: int
    unit_word: str
    states: list[SummaryStateOut]
    statements: list[StatementOut] = Field(
        default_factory=list, description="As of the date: the latest about each area and side")


class SeriesOut(BaseModel):
    key: str
    label: str
    color: str
    counts: list[int]


class DailyCountsOut(BaseModel):
    days: list[str]
    level: int
    units: int
    unit_word: str
    series: list[SeriesOut]


class PostedOut(BaseModel):
    """Who posted a document through the API, when and from where (the audit trail)."""

    by: str = Field(description="The name of the bearer token it was posted with")
    at: str = Field(description="When it was stored (ISO 8601, UTC)")
    from_: str | None = Field(alias="from", description="The client's address")

    model_config = {"populate_by_name": True}


class DocumentOut(BaseModel):
    id: str
    title: str | None
    published: str | None
    outlet: str | None
    url: str | None
    language: str | None
    related: list[str]
    text: str
    events: list[EventOut]
    ingested_at: str | None = Field(None, description="When it was stored (ISO 8601, UTC)")
    posted: PostedOut | None = Field(None, description="Who posted it through the API; null "
                                                       "for reports read by `frontlines ingest`")


class DocumentIn(BaseModel):
    """One report to ingest; the same fields as a record of a JSON corpus file."""

    text: str = Field(min_length=1, description="The report's body text.")
    title: str | None = None
    published: str | None = Field(None, description="YYYY-MM-DD or YYYY-MM-DDTHH:MM")
    outlet: str | None = None
    url: str | None = None
    id: str | None = Field(None, pattern=f"^{DOCUMENT_ID_PATTERN}$",
                           description="Keep this id instead of deriving one: 1-200 letters "
                                       "A-Z a-z, digits, '.', '_', ':' or '-'")


class IngestOut(BaseModel):
    id: str | None
    added: bool
    duplicate: bool
    events: int
    messages: list[str]


# --- helpers -------------------------------------------------------------------------------


def _day(value: str | None, what: str) -> date | None:
    if value is None or value == "":
        return None
    try:
        return parse_day(value, what)
    except TimelineError as exc:
        raise ApiError(400, str(exc)) from exc


def _required_day(value: str, what: str) -> date:
    found = _day(value, what)
    if found is None:
        raise ApiError(400, f"{what} is required (YYYY-MM-DD)")
    return found


def _place_out(row: PlaceRow) -> PlaceOut:
    return PlaceOut(id=row.id, name=row.name, level=row.level, parent_id=row.parent_id,
                    admin1=row.admin1, admin2=row.admin2, lat=row.lat, lon=row.lon)


def _hit_out(hit: PlaceHit) -> PlaceHitOut:
    place = hit.place
    return PlaceHitOut(id=place.id, name=place.name, level=place.level,
                       parent_id=place.parent_id, admin1=place.admin1, admin2=place.admin2,
                       lat=place.lat, lon=place.lon, match=hit.match, score=hit.score,
                       parents=[ParentOut(id=p.id, name=p.name, level=p.level)
                                for p in hit.parents])


def evidence_for(conn: Connection, event_ids: list[str]) -> dict[str, EvidenceOut]:
    """Evidence records for events (their sentence, outlet, dates, who says so, the report's URL)."""
    details = event_details(conn, event_ids)
    urls = document_urls(conn, {d.event.evidence.document_id for d in details.values()})
    found: dict[str, EvidenceOut] = {}
    for event_id, detail in details.items():
        ev = detail.event
        found[event_id] = EvidenceOut(
            event_id=event_id, kind=ev.kind, actor=ev.actor, date=ev.date,
            certainty=ev.certainty, negated=bool(ev.negated), source=ev.source,
            source_side=ev.source_side, place_name=ev.place_name, probability=ev.probability,
            sentence=ev.evidence.sentence.strip(), document_id=ev.evidence.document_id,
            outlet=detail.outlet, published=detail.published, title=detail.title,
            url=urls.get(ev.evidence.document_id),
        )
    return found


class BodySizeLimit:
    """ASGI middleware: refuse a request body over `max_bytes` with 413 before it is parsed.

    Checks the Content-Length header first, then reads the body (declared or
    chunked) into memory up to the cap before the app sees it, so a lying or
    missing header cannot get past it. Buffering is fine at a cap of a few MB,
    and it lets the 413 be sent before any route or parser has run.
    """

    def __init__(self, app: Any, max_bytes: int):
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: MutableMapping[str, Any], receive: Callable[[], Awaitable[Any]],
                       send: Callable[[Any], Awaitable[None]]) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        declared = headers.get(b"content-length")
        if declared is None and b"transfer-encoding" not in headers:
            await self.app(scope, receive, send)  # no body
            return
        if declared is not None:
            try:
                size = int(declared)
            except ValueError:
                await _send_error(send, 400, "invalid Content-Length header")
                return
            if size > self.max_bytes:
                await _send_error(send, 413, self._message())
                return
        chunks: list[bytes] = []
        received = 0
        while True:
            message = await receive()
            if message.get("type") != "http.request":
                break  # the client went away; the app will see the disconnect itself
            chunk = message.get("body", b"")
            received += len(chunk)
            if received > self.max_bytes:
                await _send_error(send, 413, self._message())
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        replayed = False

        async def replay() -> Any:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": b"".join(chunks), "more_body": False}
            return await receive()

        await self.app(scope, replay, send)

    def _message(self) -> str:
        return f"request body over the {self.max_bytes // 1024} kB limit"


class ServerErrorAnswer:
    """ASGI middleware: an unexpected error is logged and answered with a JSON 500, and the
    keep-alive connection it came on stays usable.

    Starlette's own outermost error middleware answers 500 too, but then re-raises,
    and uvicorn closes a connection whose app raised after answering: a client's next
    request on that connection then fails, or not, depending on timing. Here the app
    returns normally instead. An error after the answer began (mid-body) cannot be
    answered any more: it goes on up, and uvicorn closes the connection, so that a cut
    body is never taken for a whole one.
    """

    def __init__(self, app: Any):
        self.app = app

    async def __call__(self, scope: MutableMapping[str, Any], receive: Callable[[], Awaitable[Any]],
                       send: Callable[[Any], Awaitable[None]]) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def tracked(message: Any) -> None:
            nonlocal started
            started = started or message.get("type") == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, tracked)
        except Exception as exc:
            if started:
                raise
            log.exception("unexpected error", exc_info=exc)
            await _send_error(send, 500, f"internal error: {type(exc).__name__}")


async def _send_error(send: Callable[[Any], Awaitable[None]], status: int, message: str) -> None:
    body = json.dumps({"error": message, "status": status}).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"),
                            (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})


# --- the app -------------------------------------------------------------------------------


class AppState:
    """What the routes share: the workspace, the timeline lock and cached geometry."""

    def __init__(self, workspace: Workspace):
        self.workspace = workspace
        self.timeline_lock = threading.Lock()
        self.write_lock = threading.Lock()
        self.shapes = UnitGeometry()

    def reader(self) -> Iterator[Connection]:
        """A read connection over an up-to-date timeline cache."""
        self.refresh_timeline()
        with self.workspace.connect() as conn:
            yield conn

    def refresh_timeline(self) -> None:
        """Bring the cached timeline up to date if the store changed (under the lock)."""
        ws = self.workspace
        with ws.connect() as conn:
            fresh = timeline_is_fresh(conn, ws.profile)
        if not fresh:
            with self.timeline_lock, ws.begin() as conn:
                ensure_timeline(conn, ws.profile)

    def prepare(self) -> MapPrepared:
        """What the first map waits on, done now (`map_shapes.prepare_map`)."""
        self.refresh_timeline()
        with self.workspace.connect() as conn:
            return prepare_map(conn, self.workspace.profile, self.shapes)

    def data_version(self) -> dict[str, str]:
        """What the cached answers are keyed on (`timeline_store.data_version`)."""
        with self.workspace.connect() as conn:
            return data_version(conn)

    def unit_geometry(self, conn: Connection, level: int) -> dict[str, Any]:
        """Simplified GeoJSON geometry of every unit of a level (see `map_shapes.UnitGeometry`)."""
        return self.shapes.of_level(conn, level)


def _reader(request: Request) -> Iterator[Connection]:
    app_state: AppState = request.app.state.frontlines
    yield from app_state.reader()


Reader = Annotated[Connection, Depends(_reader)]
"""A route parameter: a read connection over an up-to-date timeline."""

_bearer = HTTPBearer(auto_error=False, description="A token from 'frontlines token create'")


def _token_holder(request: Request, credentials: Annotated[
        HTTPAuthorizationCredentials | None, Depends(_bearer)]) -> TokenHolder:
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise ApiError(401, "this endpoint needs a bearer token "
                            "(create one with 'frontlines token create')")
    app_state: AppState = request.app.state.frontlines
    with app_state.workspace.connect() as conn:
        holder = token_holder(conn, credentials.credentials)
    if holder is None:
        raise ApiError(401, "invalid or revoked token")
    return holder


def _require_token(holder: Annotated[TokenHolder, Depends(_token_holder)]) -> str:
    return holder.name


TokenName = Annotated[str, Depends(_require_token)]
"""A route parameter: the name of the caller's valid token (401 without one)."""


def _require_analyst(holder: Annotated[TokenHolder, Depends(_token_holder)]) -> TokenHolder:
    if not holder.may_review:
        raise ApiError(403, f"token {holder.name!r} is a {holder.role}: reviewing needs an "
                            "analyst token ('frontlines token create --role analyst')")
    return holder


Holder = Annotated[TokenHolder, Depends(_token_holder)]
"""A route parameter: who the caller's valid token is (401 without one)."""
Analyst = Annotated[TokenHolder, Depends(_require_analyst)]
"""A route parameter: the caller's analyst token (401 without a token, 403 for a writer's)."""


def create_app(workspace_path: Path | str, *, database: str | None = None,
               max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
               max_active: int = MAX_ACTIVE_REQUESTS) -> FastAPI:
    """The FastAPI app serving the API and the web app for one workspace (`database` as
    for `Workspace.open`); at most `max_active` API requests run at once.

    `app.state.frontlines.prepare()` does what the first map would wait on
    (`map_shapes.prepare_map`): `frontlines serve` calls it before it listens.
    """
    # An admitted request holds at most two connections at a time (the write path: the
    # token check's, then ingest's), and the version probe one: nobody waits on the pool.
    workspace = Workspace.open(Path(workspace_path), database, connections=max_active + 1)
    state = AppState(workspace)
    profile = workspace.profile
    if not (VENDOR_DIR / "leaflet" / "leaflet.js").exists():
        log.warning("%s is missing: the web map needs 'make install' (Leaflet from npm)",
                    VENDOR_DIR / "leaflet")
    app = FastAPI(
        docs_url=None,  # served below from our own copy of Swagger UI, not a CDN
        redoc_url=None,
        title="frontlines",
        version="1",
        description="Who controls what, day by day, from conflict news reports — with the "
                    "evidence behind every state. Reads are open; writing needs a bearer token "
                    "(`frontlines token create`).",
        responses={400: {"model": ErrorOut}, 404: {"model": ErrorOut},
                   422: {"model": ErrorOut}},
    )
    app.state.frontlines = state
    # Outermost: the size check runs before anything reads the body. GZip shrinks the map's
    # GeoJSON about fourfold; at level 5 in a sixth of the time level 9 (the default) takes
    # for 2% less (30 ms, not 190, for the districts' polygons).
    app.add_middleware(GZipMiddleware, minimum_size=2048, compresslevel=5)
    app.add_middleware(BodySizeLimit, max_bytes=max_body_bytes)
    # Outside those: a bounded queue in front of the routes, and before it the answers kept
    # per data version (a cached answer needs no place in the queue). See `serving`.
    app.add_middleware(AdmissionLimit, limit=max_active, queue=MAX_QUEUED_REQUESTS,
                       wait=MAX_QUEUE_SECONDS)
    app.add_middleware(ResponseCache, probe=VersionProbe(state.data_version, MAX_QUEUE_SECONDS),
                       salt=secrets.token_hex(4))
    app.add_middleware(ServerErrorAnswer)  # around everything of ours: no 500 closes a connection
    _install_error_handlers(app)

    # --- the web app ---

    @app.api_route("/", methods=["GET", "HEAD"], include_in_schema=False)
    def index() -> FileResponse:
        return FileResponse(WEB_DIR / "index.html", headers=_page_headers())

    app.mount("/static", StaticFiles(directory=WEB_DIR, check_dir=False), name="static")

    @app.get("/docs", include_in_schema=False)
    def docs() -> FileResponse:
        # Our page and script (web/docs.js), not FastAPI's inline one: under the map's CSP.
        return FileResponse(WEB_DIR / "docs.html", headers=_page_headers())

    # --- reads ---

    @app.get("/api/meta", response_model=MetaOut, tags=["reads"])
    def meta(conn: Reader) -> MetaOut:
        """The profile, the date range with data, the actors and how each state is drawn."""
        finest = unit_level(conn)
        shown = check_level(conn, None, profile)
        colors = actor_colors(profile)
        styles = []
        for actor in profile.actors:
            for status in STATUSES:
                styles.append(state_style(profile, actor.id, status))
        styles += [state_style(profile, CONTESTED, ""), state_style(profile, UNKNOWN, "")]
        n_docs = count_documents(conn)
        n_events = count_events(conn)
        return MetaOut(
            name=profile.name, title=profile.title or profile.country_name,
            country=profile.country_name, start=profile.start_date.isoformat(),
            latest=latest_event_day(conn, profile).isoformat(), level=shown,
            levels=list(range(1, finest + 1)), unit_word=unit_word(profile, shown),
            level_words=[unit_word(profile, level) for level in range(1, finest + 1)],
            level_nouns=[unit_word(profile, level, plural=False) for level in range(1, finest + 1)],
            actors=[ActorOut(id=a.id, name=a.name, color=colors[a.id],
                             government=a.id == profile.government) for a in profile.actors],
            styles=[StateStyleOut(key=s.key, label=s.label, color=s.face, hatch=s.hatch,
                                  edge=s.edge) for s in sorted(styles, key=lambda s: s.order)],
            contested_days=profile_settings(profile).contested_days,
            documents=int(n_docs), events=int(n_events),
        )

    @app.get("/api/places", tags=["reads"], response_model=list[PlaceOut] | list[PlaceHitOut],
             responses={200: {"content": {"application/geo+json": {}}}})
    def list_places(conn: Reader,
                    level: Annotated[int | None, Query(ge=1, le=3, description="Admin level")] = None,
                    kind: Annotated[Literal["admin", "populated_place", "all"],
                                    Query(description="Which places without a level")] = "admin",
                    format: Literal["json", "geojson"] = "json",
                    q: Annotated[str | None, Query(max_length=200, description=(
                        "Find places by name, best first: exact, then prefix, then fuzzy "
                        "(every level, with parents)"))] = None,
                    limit: Annotated[int, Query(ge=1, le=50)] = 10) -> Any:
        """Gazetteer places; `format=geojson` gives the units' polygons for a map; `q` searches."""
        if q is not None:
            if not q.strip():
                raise ApiError(400, "q: give a name to search for")
            return [_hit_out(hit) for hit in search_places(conn, profile, q, limit)]
        if level is not None:
            found = unit_places(conn, check_level(conn, level))
        elif kind == "admin":
            found = stored_places(conn, list(LEVEL_NAMES.values()))
        elif kind == "populated_place":
            found = stored_places(conn, ["populated_place"])
        else:
            found = stored_places(conn)
        rows = [_place_out(r) for r in found]
        if format == "json":
            return rows
        if level is None:
            raise ApiError(400, "format=geojson needs a level (the polygons of one admin level)")
        geometry = state.unit_geometry(conn, level)
        return _geojson([{**p.model_dump(), "geometry": geometry.get(p.id)} for p in rows])

    @app.get("/api/events", response_model=EventPage, tags=["reads"])
    def list_events(conn: Reader, since: str | None = None, until: str | None = None,
                    place: str | None = None, actor: str | None = None,
                    kind: Annotated[str | None, Query(description=", ".join(EVENT_KINDS))] = None,
                    page: Annotated[int, Query(ge=1)] = 1,
                    page_size: Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE)] = 50) -> EventPage:
        """Stored events, oldest first, filtered by date range, place (any level; an id or an
        unambiguous name), actor, kind."""
        if place:
            try:
                place = resolve_place(conn, profile, place) or place
            except AmbiguousName as exc:
                raise ApiError(400, f"place: {exc}") from exc
        try:
            filters = validate_event_filters(profile, since or None, until or None, kind, actor,
                                             place=place, conn=conn)
        except EventFilterError as exc:
            raise ApiError(404 if exc.option == "place" else 400, str(exc)) from exc
        total = count_events(conn, **filters)
        pages = max(1, math.ceil(total / page_size))
        if page > pages:
            raise ApiError(404, f"page {page} is out of range ({pages} page"
                                f"{'s' if pages != 1 else ''} of {page_size})")
        found = query_events(conn, **filters, limit=page_size, offset=(page - 1) * page_size)
        return EventPage(items=[EventOut(**e.to_dict()) for e in found], page=page,
                         page_size=page_size, total=total, pages=pages)

    @app.get("/api/control", response_model=ControlOut, tags=["reads"],
             responses={200: {"content": {"application/geo+json": {}}}})
    def get_control(conn: Reader, date: str, level: Annotated[int | None, Query()] = None,
                    format: Literal["json", "geojson", "csv"] = "json") -> Any:
        """Who holds each unit on `date`, since when and how surely (`format=geojson`: with
        polygons; `csv`: the columns of `frontlines export control`)."""
        day = _required_day(date, "date")
        chosen = check_level(conn, level, profile)
        if format == "csv":
            return _file_response(lambda out: write_control(control_frame(conn, profile, day,
                                                                          chosen), "csv", out),
                                  "csv", "text/csv", f"control-{day.isoformat()}-level{chosen}")
        rows = control(conn, profile, day, chosen)
        if format == "geojson":
            geometry = state.unit_geometry(conn, chosen)
            return _geojson([{**r, "date": day.isoformat(), "geometry": geometry.get(r["place_id"])}
                             for r in rows])
        return ControlOut(date=day.isoformat(), level=chosen, unit_word=unit_word(profile, chosen),
                          units=[ControlRowOut(**r) for r in rows])

    @app.get("/api/frontline", tags=["reads"],
             responses={200: {"content": {"application/geo+json": {}},
                              "description": "A GeoJSON FeatureCollection of MultiLineStrings"}})
    def get_frontline(conn: Reader, date: str,
                      level: Annotated[int | None, Query(ge=1, le=3)] = None) -> Any:
        """The front line on `date`: where units held by different sides meet.

        One MultiLineString feature per pair: `kind` `front` between two sides,
        `contested` around contested units; properties `date`, `level`, `side_a`,
        `side_b` (and their names), `units` and `length_km`.
        """
        day = _required_day(date, "date")
        line = frontline(conn, profile, day, check_level(conn, level, profile))
        return JSONResponse(line.geojson(profile), media_type="application/geo+json")

    @app.get("/api/changes", response_model=list[ChangeOut], tags=["reads"],
             response_model_by_alias=True)
    def get_changes(conn: Reader, since: str, until: str | None = None,
                    evidence: Annotated[int, Query(ge=0, le=50,
                                                   description="Evidence sentences per change")] = 3,
                    level: Annotated[int | None, Query(description="Whose changes (default: "
                                                                   "the finest units)")] = None,
                    ) -> list[ChangeOut]:
        """Every change of state between two dates, each with the sentences behind it."""
        first, last = _required_day(since, "since"), _day(until, "until")
        rows = changes(conn, profile, first, last, level)
        wanted = [e for r in rows for e in r["events"][:evidence]]
        found = evidence_for(conn, wanted)
        return [ChangeOut(**{**r, "evidence": [found[e] for e in r["events"][:evidence]
                                               if e in found]}) for r in rows]

    @app.get("/api/places/{place_id}/timeline", response_model=TimelineOut, tags=["reads"])
    def place_timeline(conn: Reader, place_id: str, date: str | None = None) -> TimelineOut:
        """A unit's whole history (up to `date`): each state, why, and the reports behind it."""
        day = _day(date, "date")
        row = place_row_of(conn, place_id)
        if row is None:
            raise ApiError(404, f"unknown place {place_id!r}")
        story = explain(conn, profile, place_id, day)
        ids = [e for iv in story.intervals for e in iv.event_ids if not e.startswith(BASELINE_REF)]
        found = evidence_for(conn, ids)

        def interval_out(iv: Any) -> IntervalOut:
            rows = [story.baselines[e] for e in iv.event_ids if e in story.baselines]
            return IntervalOut(state=iv.state, status=iv.status, start=iv.start.isoformat(),
                               end=iv.end.isoformat() if iv.end else None,
                               since=iv.since.isoformat(), confidence=iv.confidence,
                               holder=iv.holder, reason=iv.reason, rule=iv.rule,
                               evidence=[found[e] for e in iv.event_ids if e in found],
                               baseline=[BaselineOut(ref=b.ref, file=b.file, row=b.row,
                                                     state=b.state, as_of=b.as_of.isoformat(),
                                                     source=b.source) for b in rows])

        current = interval_on(story.intervals, day) if day else (
            story.intervals[-1] if story.intervals else None)
        rejected_evidence = evidence_for(conn, [d.event_id for d, _ in story.rejected
                                                if d.event_id])
        return TimelineOut(place=_place_out(row), unit_id=story.place.id, note=story.note,
                           date=day.isoformat() if day else None,
                           current=interval_out(current) if current else None,
                           intervals=[interval_out(iv) for iv in story.intervals],
                           rejected=[RejectedOut(decision_id=d.id or 0, event_id=d.event_id or "",
                                                 why=d.note,
                                                 evidence=rejected_evidence.get(d.event_id or ""))
                                     for d, _ in story.rejected],
                           pins=[PinOut(decision_id=d.id or 0, unit_id=d.unit_id or "",
                                        state=d.state or "", start=str(d.start),
                                        end=d.end.isoformat() if d.end else None, why=d.note)
                                 for d in story.pins],
                           trail=[TrailOut(**e.to_dict()) for e in story.trail])

    # `:path`: an id stored before ids were checked may hold a '/' (never one posted now).
    @app.get("/api/documents/{document_id:path}", response_model=DocumentOut, tags=["reads"],
             response_model_by_alias=True)
    def get_one_document(conn: Reader, document_id: str) -> DocumentOut:
        """One stored report: its text, metadata and the events read from it."""
        doc = get_document(conn, document_id)
        if doc is None:
            raise ApiError(404, f"unknown document {document_id!r}")
        found = query_events(conn, document_id=doc.id)
        at = document_ingested_at(conn, doc.id)
        posted = (PostedOut.model_validate({"by": doc.posted_by, "at": at or "",
                                            "from": doc.posted_from})
                  if doc.posted_by is not None else None)
        return DocumentOut(id=doc.id, title=doc.title, published=doc.published,
                           outlet=doc.outlet, url=doc.url, language=doc.language,
                           related=list(doc.related), text=doc.text,
                           events=[EventOut(**e.to_dict()) for e in found],
                           ingested_at=at, posted=posted)

    @app.get("/api/summary", response_model=SummaryOut, tags=["reads"])
    def get_summary(conn: Reader, date: str,
                    level: Annotated[int | None, Query()] = None) -> SummaryOut:
        """How many units each state holds on `date`."""
        day = _required_day(date, "date")
        return SummaryOut(**summary(conn, profile, day, check_level(conn, level, profile)))

    @app.get("/api/statements", response_model=list[StatementOut], tags=["reads"])
    def get_statements(conn: Reader, date: str | None = None, since: str | None = None,
                       until: str | None = None,
                       area: Annotated[str | None, Query(
                           description="An area's place id (the country's: the whole "
                                       "country)")] = None) -> list[StatementOut]:
        """What reports say of whole areas ("10 of 28 districts"), never painted onto units.

        With `date`: as of that day, the latest statement about each area, side
        and kind of unit. Otherwise every statement dated from `since` to `until`.
        """
        day, first, last = _day(date, "date"), _day(since, "since"), _day(until, "until")
        if day is not None and (first or last):
            raise ApiError(400, "give either date or since/until")
        if first and last and last < first:
            raise ApiError(400, "until comes before since")
        found = statement_records(conn, profile, day=day, since=first, until=last, area=area)
        return [StatementOut(**item) for item in found]

    @app.get("/api/series", response_model=DailyCountsOut, tags=["reads"])
    def get_series(conn: Reader, since: str | None = None, until: str | None = None,
                   level: Annotated[int | None, Query()] = None) -> DailyCountsOut:
        """Units per state per day (the data of `frontlines chart`).

        Ends on the latest event's day at the latest (nothing changes after it).
        At most `render.MAX_SERIES_DAYS` days (about ten years): without `since`,
        the last ones; a longer range asked for is a 400.
        """
        first, last = _day(since, "since"), _day(until, "until")
        chosen = check_level(conn, level, profile)
        ceiling = max(latest_event_day(conn, profile), first or profile.start_date)
        try:
            data = daily_state_counts(conn, profile, first, min(last or ceiling, ceiling), chosen)
        except RenderError as exc:
            raise ApiError(400, str(exc)) from exc
        return DailyCountsOut(**data.as_json())

    # --- the one write ---

    @app.post("/api/documents", response_model=IngestOut, status_code=201, tags=["writes"],
              responses={200: {"model": IngestOut, "description": "Already stored"},
                         401: {"model": ErrorOut}, 413: {"model": ErrorOut}})
    def post_document(item: DocumentIn, request: Request, response: Response,
                      token_name: TokenName) -> IngestOut:
        """Ingest one report through the same path as `frontlines ingest` (needs a token).

        The document keeps who posted it (the token's name), when and from which
        client address; its origin reads `api:<token name>`.
        """
        client = request.client.host if request.client else None
        result = ingest_record(workspace, item.model_dump(exclude_none=True), state.write_lock,
                               origin=f"api:{token_name}", posted_by=token_name,
                               posted_from=client)
        if not result.added:
            response.status_code = 200
        log.info("POST /api/documents by %s: %s", token_name, result.model_dump())
        return result

    @app.get("/api/map.png", tags=["reads"], response_class=Response,
             responses={200: {"content": {"image/png": {}}}})
    def get_map_png(conn: Reader, date: str,
                    level: Annotated[int | None, Query()] = None) -> Response:
        """The control map of `date` as a PNG (the picture of `frontlines map`, front line drawn)."""
        day = _required_day(date, "date")
        chosen = check_level(conn, level, profile)
        return _file_response(lambda out: render_map(conn, profile, day, out, chosen,
                                                     frontline=True),
                              "png", "image/png", f"map-{day.isoformat()}-level{chosen}")

    # --- review: the analyst's decisions (an analyst token) ---

    @app.get("/api/decisions", response_model=list[TrailOut], tags=["reads"])
    def get_decisions(conn: Reader, unit: str | None = None,
                      event: str | None = None) -> list[TrailOut]:
        """The audit trail of the analyst's decisions, oldest first (of a unit or an event)."""
        found = read_trail(conn, unit_ids=[unit] if unit else None,
                           event_ids=[event] if event else None)
        return [TrailOut(**e.to_dict()) for e in found]

    @app.get("/api/whoami", response_model=WhoAmIOut, tags=["review"],
             responses={401: {"model": ErrorOut}})
    def whoami(holder: Holder) -> WhoAmIOut:
        """Whose token this is and whether it may review (the web app asks before showing
        its review buttons)."""
        return WhoAmIOut(name=holder.name, role=holder.role, may_review=holder.may_review)

    def decided(action: Callable[[Connection], Any]) -> TrailOut:
        """Run one decision in a write transaction; answer with its audit trail entry."""
        with state.write_lock, workspace.begin() as conn:
            action(conn)
            latest = read_trail(conn)[-1]
        return TrailOut(**latest.to_dict())

    review_errors: dict[int | str, dict[str, Any]] = {
        401: {"model": ErrorOut}, 403: {"model": ErrorOut}}

    @app.post("/api/events/{event_id}/reject", response_model=TrailOut, status_code=201,
              tags=["review"], responses=review_errors)
    def post_reject(event_id: str, item: RejectIn, analyst: Analyst) -> TrailOut:
        """Reject an event (the timeline ignores it), with a reason; needs an analyst token."""
        return decided(lambda conn: reject_event(conn, profile, event_id, item.reason.strip(),
                                                 who=analyst.name))

    @app.post("/api/events/{event_id}/restore", response_model=TrailOut, status_code=201,
              tags=["review"], responses=review_errors)
    def post_restore(event_id: str, item: RestoreIn, analyst: Analyst) -> TrailOut:
        """Count a rejected event again; needs an analyst token."""
        return decided(lambda conn: restore_event(conn, profile, event_id, item.reason.strip(),
                                                  who=analyst.name))

    @app.post("/api/places/{unit_id}/pin", response_model=TrailOut, status_code=201,
              tags=["review"], responses=review_errors)
    def post_pin(unit_id: str, item: PinIn, analyst: Analyst) -> TrailOut:
        """Pin a unit's state from `start` to `end` (inclusive; none: open), with a note;
        needs an analyst token."""
        first = _required_day(item.start, "start")
        last = _day(item.end, "end")
        return decided(lambda conn: pin_state(conn, profile, unit_id, item.state, first, last,
                                              item.note.strip(), who=analyst.name))

    return app


def ingest_record(workspace: Workspace, record: dict[str, Any], lock: threading.Lock,
                  origin: str = "api", posted_by: str | None = None,
                  posted_from: str | None = None) -> IngestOut:
    """Store one report record with its events, then bring the timeline up to date.

    The record becomes a Document as a record of a JSON corpus does
    (`documents.document_from_record`), with `origin` as where it came from and
    the audit trail (`posted_by`, `posted_from`) on it, and is stored through
    `ingest.ingest_items` with the command line's `StoreExtraction` hook (which
    also recomputes the timeline of the units the report touches), so the API
    and `frontlines ingest` cannot drift apart.
    """
    from .sources.documents import InputError, document_from_record
    from .sources.ingest import IngestStopped, ingest_items

    try:
        hook = StoreExtraction(workspace)  # the workspace's extractor, like the command line
    except ExtractionChoiceError as exc:
        raise ApiError(500, f"the workspace's extractor cannot run: {exc}") from exc
    warnings: list[str] = []
    try:
        doc = document_from_record(record, origin=origin, warnings=warnings)
    except InputError as exc:
        raise ApiError(422, f"{origin}: {exc.message}") from exc
    doc = dataclasses.replace(doc, posted_by=posted_by, posted_from=posted_from)
    with lock:
        try:
            outcome = ingest_items(workspace, [(origin, [doc])], on_document=hook)
        except IngestStopped as exc:  # the database cannot write now: nothing was stored
            log.error("POST /api/documents by %s not stored: %s", origin, exc.reason)
            raise ApiError(503, f"not stored: {exc.reason}") from exc
        messages = [*(f"{origin}: {w}" for w in warnings),
                    *(str(p) for p in [*outcome.failed, *outcome.warnings])]
        if outcome.failed:
            raise ApiError(422, "; ".join(messages))
        if outcome.added:
            # The hook recomputes the units it touches; this only catches a hook that did not.
            with workspace.begin() as conn:
                if not timeline_is_fresh(conn, workspace.profile):
                    recompute_documents(conn, workspace.profile, outcome.added)
    doc_id = outcome.added[0] if outcome.added else None
    return IngestOut(id=doc_id, added=bool(outcome.added), duplicate=bool(outcome.duplicates),
                     events=hook.events, messages=messages)


def _file_response(write: Callable[[Path], Any], suffix: str, media_type: str,
                   name: str) -> Response:
    """What `write` puts in a file, as a download named `name.suffix`."""
    try:
        with tempfile.TemporaryDirectory(prefix="frontlines-api-") as folder:
            out = Path(folder) / f"{name}.{suffix}"
            write(out)
            body = out.read_bytes()
    except (ExportError, RenderError) as exc:
        raise ApiError(400, str(exc)) from exc
    return Response(body, media_type=media_type,
                    headers={"Content-Disposition": f'attachment; filename="{name}.{suffix}"'})


def _geojson(features: list[dict[str, Any]]) -> JSONResponse:
    collection = {
        "type": "FeatureCollection",
        "features": [{"type": "Feature", "id": f.get("id") or f.get("place_id"),
                      "geometry": f.get("geometry"),
                      "properties": {k: v for k, v in f.items() if k != "geometry"}}
                     for f in features],
    }
    return JSONResponse(collection, media_type="application/geo+json")


def _page_headers() -> dict[str, str]:
    return {"Content-Security-Policy": CSP, "X-Content-Type-Options": "nosniff",
            "Referrer-Policy": "no-referrer", "Cache-Control": "no-cache"}


def _install_error_handlers(app: FastAPI) -> None:
    """Every error as `{"error": message, "status": code}`; never an HTML page or a bare 500."""

    def body(status: int, message: str, detail: list[dict[str, Any]] | None = None,
             headers: dict[str, str] | None = None) -> JSONResponse:
        content: dict[str, Any] = {"error": message, "status": status}
        if detail is not None:
            content["detail"] = detail
        return JSONResponse(content, status_code=status, headers=headers)

    @app.exception_handler(ApiError)
    async def api_error(_request: Request, exc: ApiError) -> JSONResponse:
        headers = {"WWW-Authenticate": "Bearer"} if exc.status == 401 else None
        if exc.status == 503:  # the database cannot write now (see `ingest_record`)
            headers = {"Retry-After": "10"}
        return body(exc.status, exc.message, headers=headers)

    @app.exception_handler(TimelineError)
    async def timeline_error(_request: Request, exc: TimelineError) -> JSONResponse:
        return body(404 if isinstance(exc, UnknownPlace) else 400, str(exc))

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_request: Request, exc: StarletteHTTPException) -> JSONResponse:
        message = exc.detail if isinstance(exc.detail, str) else "error"
        if exc.status_code == 404 and message == "Not Found":
            message = "no such route"
        return body(exc.status_code, message, headers=getattr(exc, "headers", None))

    @app.exception_handler(RequestValidationError)
    async def validation_error(_request: Request, exc: RequestValidationError) -> JSONResponse:
        detail = [{"loc": [str(part) for part in err.get("loc", ())], "msg": str(err.get("msg"))}
                  for err in exc.errors()]
        summary_text = "; ".join(f"{'.'.join(d['loc'])}: {d['msg']}" for d in detail[:5])
        return body(422, f"invalid request: {summary_text}", detail)

    # Any other exception: `ServerErrorAnswer`.

