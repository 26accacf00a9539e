"""The program's rules. No boto3 and no Powertools event classes here."""
