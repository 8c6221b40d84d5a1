"""SES v2 list management: contact lists (with their topics) and their contacts.

A contact list is one document {name, description?, topics: [Topic], created, updated, tags}; each contact
is its own document, named "<list>/<address>", {address, preferences: {topic: status}, unsubscribe_all,
attributes?, created, updated}. AWS allows one contact list per account (LimitExceededException beyond)
and 20 topics per list. A contact's status for a topic is its own preference, else the topic's default;
UnsubscribeAll opts it out of every topic (status_of).
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import TYPE_CHECKING, Any

from fogbank.errors import ServiceError
from fogbank.services.ses import store
from fogbank.services.sesv2 import service
from fogbank.services.sesv2.common import bad_request, not_found, page

if TYPE_CHECKING:
    from fogbank.context import Context

__all__ = ["CONTACT_LIST", "existing_list", "contact", "status_of"]

CONTACT_LIST = "contactlist"
CONTACT = "contact"
MAX_LISTS = 1
MAX_TOPICS = 20


def _docs(ctx: Context, kind: str) -> list[dict[str, Any]]:
    return [doc for _, doc in store.tx_of(ctx).list_docs(store.SERVICE, kind, ctx.account, ctx.region)]


def _put(ctx: Context, kind: str, name: str, doc: dict[str, Any]) -> None:
    store.tx_of(ctx).put_doc(store.SERVICE, kind, ctx.account, ctx.region, name, doc)


def existing_list(ctx: Context, name: str) -> dict[str, Any]:
    doc = store.tx_of(ctx).get_doc(store.SERVICE, CONTACT_LIST, ctx.account, ctx.region, name)
    if doc is None:
        raise not_found(f"List with name {name} does not exist.")
    return doc


def _contact_key(list_name: str, address: str) -> str:
    return f"{list_name}/{address.lower()}"


def contact(ctx: Context, list_name: str, address: str) -> dict[str, Any] | None:
    key = _contact_key(list_name, address)
    return store.tx_of(ctx).get_doc(store.SERVICE, CONTACT, ctx.account, ctx.region, key)


def _existing_contact(ctx: Context, list_name: str, address: str) -> dict[str, Any]:
    doc = contact(ctx, list_name, address)
    if doc is None:
        raise not_found(f"Contact {address} does not exist in list {list_name}.")
    return doc


def _topics(given: list[dict[str, Any]]) -> list[dict[str, Any]]:
    if len(given) > MAX_TOPICS:
        raise ServiceError(
            "LimitExceededException", f"A contact list can have at most {MAX_TOPICS} topics.", 400
        )
    names = [topic["TopicName"] for topic in given]
    if len(set(names)) != len(names):
        raise bad_request("Topic names must be unique within a contact list.")
    return given


def status_of(doc: dict[str, Any], contact_doc: dict[str, Any] | None, topic: str) -> str:
    """The contact's subscription status for `topic` of the list `doc` (a stranger: the default)."""
    if contact_doc is not None and contact_doc["unsubscribe_all"]:
        return "OPT_OUT"
    if contact_doc is not None and topic in contact_doc["preferences"]:
        return contact_doc["preferences"][topic]
    return next(t["DefaultSubscriptionStatus"] for t in doc["topics"] if t["TopicName"] == topic)


@service.handler("CreateContactList")
def create_contact_list(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    name = request["ContactListName"]
    if store.tx_of(ctx).get_doc(store.SERVICE, CONTACT_LIST, ctx.account, ctx.region, name) is not None:
        raise ServiceError("AlreadyExistsException", f"List with name {name} already exists.", 400)
    if len(_docs(ctx, CONTACT_LIST)) >= MAX_LISTS:
        raise ServiceError("LimitExceededException", "Maximum number of contact lists reached.", 400)
    now = ctx.clock.now().isoformat()
    doc = {"name": name, "topics": _topics(request.get("Topics", [])), "created": now, "updated": now}
    doc["tags"] = request.get("Tags", [])
    if "Description" in request:
        doc["description"] = request["Description"]
    _put(ctx, CONTACT_LIST, name, doc)
    return {}


@service.handler("GetContactList")
def get_contact_list(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    doc = existing_list(ctx, request["ContactListName"])
    out = {
        "ContactListName": doc["name"],
        "Topics": doc["topics"],
        "CreatedTimestamp": datetime.fromisoformat(doc["created"]),
        "LastUpdatedTimestamp": datetime.fromisoformat(doc["updated"]),
        "Tags": doc["tags"],
    }
    return out | ({"Description": doc["description"]} if "description" in doc else {})


@service.handler("UpdateContactList")
def update_contact_list(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    doc = existing_list(ctx, request["ContactListName"])
    if "Topics" in request:
        doc["topics"] = _topics(request["Topics"])
    if "Description" in request:
        doc["description"] = request["Description"]
    doc["updated"] = ctx.clock.now().isoformat()
    _put(ctx, CONTACT_LIST, doc["name"], doc)
    return {}


@service.handler("DeleteContactList")
def delete_contact_list(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    name = existing_list(ctx, request["ContactListName"])["name"]
    tx = store.tx_of(ctx)
    for doc in _docs(ctx, CONTACT):
        if doc["list"] == name:
            tx.delete_doc(store.SERVICE, CONTACT, ctx.account, ctx.region, _contact_key(name, doc["address"]))
    tx.delete_doc(store.SERVICE, CONTACT_LIST, ctx.account, ctx.region, name)
    return {}


@service.handler("ListContactLists")
def list_contact_lists(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    entries = [
        {"ContactListName": doc["name"], "LastUpdatedTimestamp": datetime.fromisoformat(doc["updated"])}
        for doc in _docs(ctx, CONTACT_LIST)
    ]
    return page(entries, request, "ContactLists", default=1000, most=1000)


def _preferences(doc: dict[str, Any], given: list[dict[str, str]]) -> dict[str, str]:
    known = {topic["TopicName"] for topic in doc["topics"]}
    preferences = {}
    for preference in given:
        if preference["TopicName"] not in known:
            raise bad_request(f"Topic {preference['TopicName']} does not exist in list {doc['name']}.")
        preferences[preference["TopicName"]] = preference["SubscriptionStatus"]
    return preferences


def _attributes(text: str | None) -> str | None:
    if text is not None:
        try:
            json.loads(text)
        except ValueError:
            raise bad_request("AttributesData must be valid JSON.") from None
    return text


@service.handler("CreateContact")
def create_contact(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    doc = existing_list(ctx, request["ContactListName"])
    address = request["EmailAddress"]
    if contact(ctx, doc["name"], address) is not None:
        raise ServiceError("AlreadyExistsException", f"Contact already exists in list {doc['name']}.", 400)
    now = ctx.clock.now().isoformat()
    entry = {
        "list": doc["name"],
        "address": address,
        "preferences": _preferences(doc, request.get("TopicPreferences", [])),
        "unsubscribe_all": request.get("UnsubscribeAll", False),
        "attributes": _attributes(request.get("AttributesData")),
        "created": now,
        "updated": now,
    }
    _put(ctx, CONTACT, _contact_key(doc["name"], address), entry)
    return {}


def _described(doc: dict[str, Any], entry: dict[str, Any]) -> dict[str, Any]:
    return {
        "EmailAddress": entry["address"],
        "TopicPreferences": [
            {"TopicName": name, "SubscriptionStatus": status} for name, status in entry["preferences"].items()
        ],
        "TopicDefaultPreferences": [
            {"TopicName": t["TopicName"], "SubscriptionStatus": t["DefaultSubscriptionStatus"]}
            for t in doc["topics"]
            if t["TopicName"] not in entry["preferences"]
        ],
        "UnsubscribeAll": entry["unsubscribe_all"],
        "LastUpdatedTimestamp": datetime.fromisoformat(entry["updated"]),
    }


@service.handler("GetContact")
def get_contact(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    doc = existing_list(ctx, request["ContactListName"])
    entry = _existing_contact(ctx, doc["name"], request["EmailAddress"])
    out = _described(doc, entry) | {
        "ContactListName": doc["name"],
        "CreatedTimestamp": datetime.fromisoformat(entry["created"]),
    }
    return out | ({"AttributesData": entry["attributes"]} if entry["attributes"] is not None else {})


@service.handler("UpdateContact")
def update_contact(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    doc = existing_list(ctx, request["ContactListName"])
    entry = _existing_contact(ctx, doc["name"], request["EmailAddress"])
    if "TopicPreferences" in request:
        entry["preferences"] = _preferences(doc, request["TopicPreferences"])
    if "UnsubscribeAll" in request:
        entry["unsubscribe_all"] = request["UnsubscribeAll"]
    if "AttributesData" in request:
        entry["attributes"] = _attributes(request["AttributesData"])
    entry["updated"] = ctx.clock.now().isoformat()
    _put(ctx, CONTACT, _contact_key(doc["name"], entry["address"]), entry)
    return {}


@service.handler("DeleteContact")
def delete_contact(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    doc = existing_list(ctx, request["ContactListName"])
    entry = _existing_contact(ctx, doc["name"], request["EmailAddress"])
    key = _contact_key(doc["name"], entry["address"])
    store.tx_of(ctx).delete_doc(store.SERVICE, CONTACT, ctx.account, ctx.region, key)
    return {}


def _filtered(doc: dict[str, Any], entry: dict[str, Any], given: dict[str, Any]) -> bool:
    """Whether a contact passes ListContacts' Filter: its status (for TopicFilter's topic, else overall)."""
    wanted = given.get("FilteredStatus")
    topic_filter = given.get("TopicFilter")
    if topic_filter is None:
        status = "OPT_OUT" if entry["unsubscribe_all"] else "OPT_IN"
    else:
        topic = topic_filter["TopicName"]
        explicit = entry["unsubscribe_all"] or topic in entry["preferences"]
        if not explicit and not topic_filter.get("UseDefaultIfPreferenceUnavailable", False):
            return False
        status = status_of(doc, entry, topic)
    return wanted is None or status == wanted


@service.handler("ListContacts")
def list_contacts(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    doc = existing_list(ctx, request["ContactListName"])
    given = request.get("Filter", {})
    topic = given.get("TopicFilter", {}).get("TopicName")
    if topic is not None and topic not in {t["TopicName"] for t in doc["topics"]}:
        raise bad_request(f"Topic {topic} does not exist in list {doc['name']}.")
    entries = [
        _described(doc, entry)
        for entry in _docs(ctx, CONTACT)
        if entry["list"] == doc["name"] and _filtered(doc, entry, given)
    ]
    return page(entries, request, "Contacts", default=1000, most=1000)
