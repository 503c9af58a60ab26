"""Domain model and the account file format ``influence-graph/1``."""
from .account import (
    CLOSENESS_VALUES,
    FORMAT,
    STANCE_VALUES,
    Account,
    AccountInfo,
    Channel,
    ChannelKind,
    Closeness,
    Competitor,
    CompetitorRelationship,
    Department,
    DepartmentRelation,
    DepartmentRelationKind,
    Opportunity,
    Person,
    Relationship,
    Role,
    StanceLabel,
    TeamMember,
    Touch,
    closeness_value,
    stance_value,
    titled,
)
from .errors import (
    AccountFileError,
    AccountNotFound,
    AssumptionError,
    FileWriteError,
    InfluenceGraphError,
    MergeConflict,
    OutputExists,
    Problem,
    StaleWriteError,
    StoreError,
)
from .dates import add_days
from .loader import (
    atomic_write_bytes,
    atomic_write_text,
    dump_account,
    load_account,
    parse_account,
    parse_account_text,
    save_account,
)
from .schema import account_json_schema

__all__ = [name for name in dir() if not name.startswith("_")]
