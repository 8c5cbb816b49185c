"""The platform's JSON APIs at Anypoint's paths: accounts, connected apps, organization
policy, audit."""


