"""Deploying from Exchange: ``POST /cloudhub/api/v2/applications`` with the JSON body
``{applicationInfo, applicationSource, autoStart}`` (CloudHub's ``PostApplication``)."""

from ..api.helpers import json_body
from ..storage import Environment, Token
from ..web.errors import PlatformError
from .appinfo import app_info_from
from .deploying import new_exchange_application
from .exchange_asset import parse_source


def exchange_deploy(env: Environment, token: Token, now: float):
    """(application, autoStart) created from the request's JSON body; PlatformError 400 in
    plain words for a bad body, 409 when the name is taken."""
    body = json_body()
    if not isinstance(body, dict) or "applicationInfo" not in body:
        raise PlatformError(400, "Send the application as multipart/form-data with the parts "
                                 "file and appInfoJson, or as JSON with applicationInfo and "
                                 "applicationSource (an Exchange asset).")
    info = app_info_from(body.get("applicationInfo"), "applicationInfo")
    if info.domain is None:
        raise PlatformError(400, "applicationInfo has no domain: give the application a name.")
    asset = parse_source(body.get("applicationSource"))
    auto_start = body.get("autoStart", True)
    if not isinstance(auto_start, bool):
        raise PlatformError(400, "autoStart must be true or false.")
    return new_exchange_application(info, asset, auto_start, env, token, now), auto_start
