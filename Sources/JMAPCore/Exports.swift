// JMAP is JSON all the way down: every module that speaks JMAP also needs the JSON model.
@_exported import JSON
