"""Services of e-commerce onboarding."""

from tracker.onboarding.services.checks import CheckService
from tracker.onboarding.services.onboardings import OnboardingFilters, OnboardingService
from tracker.onboarding.services.platforms import PlatformService
from tracker.onboarding.services.status import StatusService

__all__ = ["CheckService", "OnboardingFilters", "OnboardingService", "PlatformService", "StatusService"]
