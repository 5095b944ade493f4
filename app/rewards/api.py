"""积分兑换: the catalogue (staff manage, members see theirs), redemptions, hand-over."""
from flask_login import current_user
from flask_smorest import Blueprint

from app.api_base import PageArgs, documents_errors, paginate
from app.auth.models import Role
from app.auth.permissions import roles_required
from app.extensions import db
from app.params import require_id
from app.rewards import services
from app.rewards.schemas import (
    RedeemIn,
    RedemptionOut,
    RedemptionPage,
    RedemptionQuery,
    RewardIn,
    RewardOut,
    RewardPage,
)

blp = Blueprint("rewards_api", __name__, url_prefix="/api/v1", description="积分兑换 (points redemption)")


@blp.route("/rewards", methods=["GET"])
@blp.arguments(PageArgs, location="query")
@blp.response(200, RewardPage)
@documents_errors(blp, 401)
@roles_required()
def list_rewards(args):
    """A member: the rewards of his community, street and district he may redeem now; staff
    and admins: the rewards inside their scope."""
    return paginate(db.session, services.rewards_query(current_user), args["page"], args["page_size"])


@blp.route("/rewards", methods=["POST"])
@blp.arguments(RewardIn)
@blp.response(201, RewardOut)
@documents_errors(blp, 401, 403, 404)
@roles_required(*services.MANAGERS)
def create_reward(data):
    """A catalogue item of a community, street or district inside the caller's scope."""
    return services.create_reward(current_user, **data)


@blp.route("/rewards/<int:reward_id>/redemptions", methods=["POST"])
@blp.arguments(RedeemIn)
@blp.response(201, RedemptionOut)
@blp.alt_response(200, schema=RedemptionOut, description="The same request_key again: the first redemption")
@documents_errors(blp, 401, 403, 404, 409)
@roles_required(Role.MEMBER)
def redeem(data, reward_id):
    """Spends the reward's points from the member's balance and takes one from the stock:
    409 when the balance, the stock or the per-member limit is short."""
    redemption, created = services.redeem(current_user, require_id(reward_id, "reward"), data["request_key"])
    return redemption, 201 if created else 200


@blp.route("/redemptions", methods=["GET"])
@blp.arguments(RedemptionQuery, location="query")
@blp.response(200, RedemptionPage)
@documents_errors(blp, 401)
@roles_required()
def list_redemptions(args):
    """A member's own redemptions; staff: those of the rewards inside their scope."""
    stmt = services.redemptions_query(current_user, args["status"])
    return paginate(db.session, stmt, args["page"], args["page_size"])


def _decide(redemption_id: int, action: str):
    return services.decide(current_user, require_id(redemption_id, "redemption"), action)


@blp.route("/redemptions/<int:redemption_id>/fulfil", methods=["POST"])
@blp.response(200, RedemptionOut)
@documents_errors(blp, 401, 403, 404, 409)
@roles_required(*services.MANAGERS)
def fulfil(redemption_id):
    """Staff hand the item over."""
    return _decide(redemption_id, "fulfil")


@blp.route("/redemptions/<int:redemption_id>/cancel", methods=["POST"])
@blp.response(200, RedemptionOut)
@documents_errors(blp, 401, 403, 404, 409)
@roles_required(Role.MEMBER, *services.MANAGERS)
def cancel(redemption_id):
    """Staff, or the member himself while it waits: the points and the item go back (once)."""
    return _decide(redemption_id, "cancel")
